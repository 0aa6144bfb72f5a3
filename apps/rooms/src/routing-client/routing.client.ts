import { Inject, Injectable, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ERRORS,
  ROUTING_COMMANDS,
  type AdmitRoomCommand,
  type AdmitRoomReply,
  type ReleaseReservationCommand,
  type ResolveDepartmentReply,
} from '@livechat/contracts';
import { NATS_CONNECTION, rpcRequest } from '@livechat/common';
import { ROOMS_CONFIG, type RoomsConfig } from '../config/rooms.config.js';

/** What rooms asks routing synchronously: only questions whose answer decides the reply. */
@Injectable()
export class RoutingClient {
  private readonly logger = new Logger('RoutingClient');

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(ROOMS_CONFIG) private readonly config: RoomsConfig,
  ) {}

  async resolveDepartment(department: string): Promise<string | null> {
    const reply = await rpcRequest<ResolveDepartmentReply>(
      this.nc,
      ROUTING_COMMANDS.resolveDepartment,
      { department },
      this.config.RPC_TIMEOUT_MS,
    );
    return reply.departmentId;
  }

  /**
   * Only on the way to a new room: may it open, in which department, and is it served at once (a
   * reservation)? When routing does not answer (down, or past ADMISSION_TIMEOUT_MS) the room opens in
   * the visitor's department without the agent checks: a chat is never refused because routing is
   * away, and the durable room.opened gets it routed as soon as routing is back (SPEC §8), giving back
   * whatever routing reserved for it meanwhile.
   */
  async admit(cmd: AdmitRoomCommand): Promise<AdmitRoomReply> {
    try {
      return await rpcRequest<AdmitRoomReply>(this.nc, ROUTING_COMMANDS.admitRoom, cmd, this.config.ADMISSION_TIMEOUT_MS);
    } catch (err) {
      const code = err instanceof RpcException ? (err.getError() as { code?: string }).code : undefined;
      if (code !== ERRORS.serviceUnavailable.code && code !== ERRORS.timeout.code) throw err;
      this.logger.warn(`routing did not answer admit-room (${code}): opening without the agent checks`);
      return cmd.departmentId ? { decision: 'open', departmentId: cmd.departmentId } : { decision: 'open' };
    }
  }

  /**
   * Tells routing that a room id it reserved capacity for will never be inserted served, without
   * waiting: if the message is lost, routing's sweeper gives the capacity back after the deadline.
   */
  releaseReservation(roomId: string): void {
    rpcRequest(this.nc, ROUTING_COMMANDS.releaseReservation, { roomId } satisfies ReleaseReservationCommand, this.config.RPC_TIMEOUT_MS).catch((err: unknown) =>
      this.logger.warn(`could not release the reservation of room ${roomId} (the sweeper will): ${String(err)}`),
    );
  }
}
