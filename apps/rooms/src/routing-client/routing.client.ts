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
   * Only on the way to a new room: may it open, and in which department? When routing does not
   * answer (down, or past ADMISSION_TIMEOUT_MS) the room opens in the visitor's department without
   * the agent checks: a chat is never refused because routing is away, and the durable room.opened
   * gets it routed as soon as routing is back (SPEC §8).
   */
  async prepareRoomOrAdmit(cmd: PrepareRoomCommand): Promise<PrepareRoomReply> {
    try {
      return await this.rpc.request<PrepareRoomReply>(ROUTING_COMMANDS.prepareRoom, cmd, this.config.ADMISSION_TIMEOUT_MS);
    } catch (err) {
      const code = err instanceof RpcException ? (err.getError() as { code?: string }).code : undefined;
      if (code !== ERRORS.serviceUnavailable.code && code !== ERRORS.timeout.code) throw err;
      this.logger.warn(`routing did not answer prepare-room (${code}): opening without the agent checks`);
      return cmd.departmentId ? { decision: 'open', departmentId: cmd.departmentId } : { decision: 'open' };
    }
  }
}
