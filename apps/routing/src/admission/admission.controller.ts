import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ROUTING_COMMANDS, type PrepareRoomCommand, type PrepareRoomReply } from '@livechat/contracts';
import { AdmissionService } from './admission.service.js';

@Controller()
export class AdmissionController {
  constructor(private readonly admission: AdmissionService) {}

  @MessagePattern(ROUTING_COMMANDS.prepareRoom)
  prepare(@Payload() cmd: PrepareRoomCommand): Promise<PrepareRoomReply> {
    return this.admission.prepare(cmd);
  }
}
