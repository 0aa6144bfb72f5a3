import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { ROOMS_COMMANDS, type FenceReservationsCommand, type FenceReservationsReply } from '@livechat/contracts';
import { NATS_CONNECTION, rpcRequest } from '@livechat/common';
import { ROUTING_CONFIG, type RoutingConfig } from '../config/routing.config.js';

/** The one question routing asks rooms: what became of the room ids it reserved capacity for. */
@Injectable()
export class RoomsClient {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(ROUTING_CONFIG) private readonly config: RoutingConfig,
  ) {}

  fenceReservations(cmd: FenceReservationsCommand): Promise<FenceReservationsReply> {
    return rpcRequest<FenceReservationsReply>(this.nc, ROOMS_COMMANDS.fenceReservations, cmd, this.config.RPC_TIMEOUT_MS);
  }
}
