import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ROUTING_COMMANDS, type AdmitRoomCommand, type AdmitRoomReply } from '@livechat/contracts';
import { AdmissionService } from './admission.service.js';

@Controller()
export class AdmissionController {
  constructor(private readonly admission: AdmissionService) {}

  @MessagePattern(ROUTING_COMMANDS.admitRoom)
  admit(@Payload() cmd: AdmitRoomCommand): Promise<AdmitRoomReply> {
    return this.admission.admit(cmd);
  }
}
