import { Inject, Injectable, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  ERRORS,
  ROUTING_COMMANDS,
  type AdmitRoomCommand,
  type AdmitRoomReply,
  type ReleaseReservationCommand,
  type ResolveDepartmentReply,
} from '@livechat/contracts';
import { NatsRpcClient } from '@livechat/common';
import { ROOMS_CONFIG, type RoomsConfig } from '../config/rooms.config.js';

/** What rooms asks routing synchronously: only questions whose answer decides the reply. */
@Injectable()
export class RoutingClient {
  private readonly logger = new Logger('RoutingClient');

  constructor(
    private readonly rpc: NatsRpcClient,
    @Inject(ROOMS_CONFIG) private readonly config: RoomsConfig,
  ) {}

  async resolveDepartment(department: string): Promise<string | null> {
    const reply = await this.rpc.request<ResolveDepartmentReply>(ROUTING_COMMANDS.resolveDepartment, { department });
    return reply.departmentId;
  }

  /**
   * Only on the way to a new room: may it open, in which department, and is it served at once (a
   * reservation)? A request that got no answer is asked again once, with the same room id (admission
   * answers a room it admitted before as it did then): a request or its reply lost with a NATS node
   * that died under it, or routing's subscription not yet back on a live node (no responders, asked
   * again after a short pause). When routing still does not answer (down, or past
   * ADMISSION_TIMEOUT_MS twice) the room opens in the visitor's department without the agent checks:
   * a chat is never refused because routing is away, and the durable room.opened gets it routed as
   * soon as routing is back (docs/events.md), giving back whatever routing reserved for it meanwhile.
   */
  async admit(cmd: AdmitRoomCommand): Promise<AdmitRoomReply> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.rpc.request<AdmitRoomReply>(ROUTING_COMMANDS.admitRoom, cmd, this.config.ADMISSION_TIMEOUT_MS);
      } catch (err) {
        const code = err instanceof RpcException ? (err.getError() as { code?: string }).code : undefined;
        if (code !== ERRORS.serviceUnavailable.code && code !== ERRORS.timeout.code) throw err;
        if (attempt < ADMISSION_ATTEMPTS) {
          this.logger.warn(`routing did not answer admit-room (${code}): asking again`);
          if (code === ERRORS.serviceUnavailable.code) await new Promise((resolve) => setTimeout(resolve, NO_RESPONDERS_PAUSE_MS));
          continue;
        }
        this.logger.warn(`routing did not answer admit-room (${code}) ${attempt} times: opening without the agent checks`);
        return cmd.departmentId ? { verdict: 'open', departmentId: cmd.departmentId } : { verdict: 'open' };
      }
    }
  }

  /**
   * Tells routing that a room id it reserved capacity for will never be inserted served, without
   * waiting: if the message is lost, routing's sweeper gives the capacity back after the deadline.
   */
  releaseReservation(roomId: string): void {
    this.rpc.request(ROUTING_COMMANDS.releaseReservation, { roomId } satisfies ReleaseReservationCommand).catch((err: unknown) =>
      this.logger.warn(`could not release the reservation of room ${roomId} (the sweeper will): ${String(err)}`),
    );
  }
}

/** Asked twice at most: a retry covers a request lost with a NATS node, and keeps a routing outage to two deadlines. */
const ADMISSION_ATTEMPTS = 2;
/** Before asking again after "no responders": long enough for routing's replicas to subscribe again on a live node. */
const NO_RESPONDERS_PAUSE_MS = 250;
