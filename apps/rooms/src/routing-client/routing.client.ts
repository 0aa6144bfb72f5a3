import { Inject, Injectable, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  ERRORS,
  ROUTING_COMMANDS,
  type PrepareRoomCommand,
  type PrepareRoomReply,
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
   * Only on the way to a new room: may it open, and in which department? The question changes
   * nothing, so a request that got no answer is asked again once: a request or its reply lost with
   * a NATS node that died under it, or routing's subscription not yet back on a live node (no
   * responders, asked again after a short pause). When routing still does not answer (down, or past
   * ADMISSION_TIMEOUT_MS twice) the room opens in the visitor's department without the agent
   * checks: a chat is never refused because routing is away, and the durable room.opened gets it
   * routed as soon as routing is back (SPEC §8).
   */
  async prepareRoomOrAdmit(cmd: PrepareRoomCommand): Promise<PrepareRoomReply> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.rpc.request<PrepareRoomReply>(ROUTING_COMMANDS.prepareRoom, cmd, this.config.ADMISSION_TIMEOUT_MS);
      } catch (err) {
        const code = err instanceof RpcException ? (err.getError() as { code?: string }).code : undefined;
        if (code !== ERRORS.serviceUnavailable.code && code !== ERRORS.timeout.code) throw err;
        if (attempt < ADMISSION_ATTEMPTS) {
          this.logger.warn(`routing did not answer prepare-room (${code}): asking again`);
          if (code === ERRORS.serviceUnavailable.code) await new Promise((resolve) => setTimeout(resolve, NO_RESPONDERS_PAUSE_MS));
          continue;
        }
        this.logger.warn(`routing did not answer prepare-room (${code}) ${attempt} times: opening without the agent checks`);
        return cmd.departmentId ? { decision: 'open', departmentId: cmd.departmentId } : { decision: 'open' };
      }
    }
  }
}

/** Asked twice at most: a retry covers a request lost with a NATS node, and keeps a routing outage to two deadlines. */
const ADMISSION_ATTEMPTS = 2;
/** Before asking again after "no responders": long enough for routing's replicas to subscribe again on a live node. */
const NO_RESPONDERS_PAUSE_MS = 250;
