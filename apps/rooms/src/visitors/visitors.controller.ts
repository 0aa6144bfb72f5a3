import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ROOMS_COMMANDS, type GetVisitorCommand, type RegisterVisitorCommand, type VisitorReply } from '@livechat/contracts';
import { VisitorsService } from './visitors.service.js';

@Controller()
export class VisitorsController {
  constructor(private readonly visitors: VisitorsService) {}

  @MessagePattern(ROOMS_COMMANDS.registerVisitor)
  register(@Payload() cmd: RegisterVisitorCommand): Promise<VisitorReply> {
    return this.visitors.register(cmd);
  }

  @MessagePattern(ROOMS_COMMANDS.getVisitor)
  get(@Payload() cmd: GetVisitorCommand): Promise<VisitorReply> {
    return this.visitors.get(cmd.token);
  }
}
