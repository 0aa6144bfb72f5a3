import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ROUTING_COMMANDS, type ReleaseReservationCommand } from '@livechat/contracts';
import { ReservationsService } from './reservations.service.js';

@Controller()
export class ReservationsController {
  constructor(private readonly reservations: ReservationsService) {}

  /** rooms will never insert this room served: the reservation's capacity comes back now, not at the sweep. */
  @MessagePattern(ROUTING_COMMANDS.releaseReservation)
  async release(@Payload() cmd: ReleaseReservationCommand): Promise<Record<string, never>> {
    await this.reservations.void([cmd.roomId]);
    return {};
  }
}
