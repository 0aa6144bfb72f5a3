import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ROOMS_COMMANDS,
  type CloseRoomByAgentCommand,
  type CloseRoomCommand,
  type CloseRoomReply,
  type FenceReservationsCommand,
  type FenceReservationsReply,
  type GetOrOpenRoomCommand,
  type GetOrOpenRoomReply,
  type ListRoomsCommand,
  type ListRoomsReply,
  type ServingAgentCommand,
  type ServingAgentReply,
  type VisitorSessionCommand,
  type VisitorSessionReply,
} from '@livechat/contracts';
import { RoomOpeningService } from './room-opening.service.js';
import { RoomsService } from './rooms.service.js';

@Controller()
export class RoomsController {
  constructor(
    private readonly opening: RoomOpeningService,
    private readonly rooms: RoomsService,
  ) {}

  @MessagePattern(ROOMS_COMMANDS.getOrOpenRoom)
  getOrOpen(@Payload() cmd: GetOrOpenRoomCommand): Promise<GetOrOpenRoomReply> {
    return this.opening.getOrOpen(cmd);
  }

  @MessagePattern(ROOMS_COMMANDS.closeRoom)
  close(@Payload() cmd: CloseRoomCommand): Promise<CloseRoomReply> {
    return this.rooms.close(cmd);
  }

  @MessagePattern(ROOMS_COMMANDS.closeRoomByAgent)
  async closeByAgent(@Payload() cmd: CloseRoomByAgentCommand): Promise<Record<string, never>> {
    await this.rooms.closeByAgent(cmd);
    return {};
  }

  @MessagePattern(ROOMS_COMMANDS.listRooms)
  list(@Payload() cmd: ListRoomsCommand): Promise<ListRoomsReply> {
    return this.rooms.list(cmd);
  }

  @MessagePattern(ROOMS_COMMANDS.visitorSession)
  visitorSession(@Payload() cmd: VisitorSessionCommand): Promise<VisitorSessionReply> {
    return this.rooms.visitorSession(cmd);
  }

  @MessagePattern(ROOMS_COMMANDS.servingAgent)
  servingAgent(@Payload() cmd: ServingAgentCommand): Promise<ServingAgentReply> {
    return this.rooms.servingAgent(cmd);
  }

  /** routing's reservation sweeper: what became of room ids it reserved capacity for. */
  @MessagePattern(ROOMS_COMMANDS.fenceReservations)
  fenceReservations(@Payload() cmd: FenceReservationsCommand): Promise<FenceReservationsReply> {
    return this.rooms.fenceReservations(cmd);
  }
}
