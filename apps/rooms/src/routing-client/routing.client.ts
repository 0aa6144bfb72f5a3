import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { ROUTING_COMMANDS, type ResolveDepartmentReply } from '@livechat/contracts';
import { rpcRequest } from '@livechat/common';
import { ROOMS_CONFIG, type RoomsConfig } from '../config/rooms.config.js';

export const ROUTING_CLIENT = Symbol('ROUTING_CLIENT');

/** What rooms asks routing synchronously: only questions whose answer decides the reply. */
@Injectable()
export class RoutingClient {
  constructor(
    @Inject(ROUTING_CLIENT) private readonly client: ClientProxy,
    @Inject(ROOMS_CONFIG) private readonly config: RoomsConfig,
  ) {}

  async resolveDepartment(department: string): Promise<string | null> {
    const reply = await rpcRequest<ResolveDepartmentReply>(
      this.client,
      ROUTING_COMMANDS.resolveDepartment,
      { department },
      this.config.RPC_TIMEOUT_MS,
    );
    return reply.departmentId;
  }
}
