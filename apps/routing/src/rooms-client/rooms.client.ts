import { Injectable } from '@nestjs/common';
import { ROOMS_COMMANDS, type FenceReservationsCommand, type FenceReservationsReply } from '@livechat/contracts';
import { NatsRpcClient } from '@livechat/common';

/** The one question routing asks rooms: what became of the room ids it reserved capacity for. */
@Injectable()
export class RoomsClient {
  constructor(private readonly rpc: NatsRpcClient) {}

  fenceReservations(cmd: FenceReservationsCommand): Promise<FenceReservationsReply> {
    return this.rpc.request<FenceReservationsReply>(ROOMS_COMMANDS.fenceReservations, cmd);
  }
}
