import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ROOMS_COMMANDS,
  type CloseRoomCommand,
  type CloseRoomReply,
  type FenceReservationsCommand,
  type FenceReservationsReply,
  type GetOrOpenRoomCommand,
  type GetOrOpenRoomReply,
} from '@livechat/contracts';
import { RoomsService } from './rooms.service.js';

@Controller()
export class RoomsController {
  constructor(private readonly rooms: RoomsService) {}

  @MessagePattern(ROOMS_COMMANDS.getOrOpenRoom)
  getOrOpen(@Payload() cmd: GetOrOpenRoomCommand): Promise<GetOrOpenRoomReply> {
    return this.rooms.getOrOpen(cmd);
  }

  @MessagePattern(ROOMS_COMMANDS.closeRoom)
  close(@Payload() cmd: CloseRoomCommand): Promise<CloseRoomReply> {
    return this.rooms.close(cmd);
  }

  /** routing's reservation sweeper: what became of room ids it reserved capacity for. */
  @MessagePattern(ROOMS_COMMANDS.fenceReservations)
  fenceReservations(@Payload() cmd: FenceReservationsCommand): Promise<FenceReservationsReply> {
    return this.rooms.fenceReservations(cmd);
  }
}
