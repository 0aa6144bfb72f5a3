import { Body, Controller, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ROOMS_COMMANDS, type VisitorReply } from '@livechat/contracts';
import { apiValidationPipe } from '../http/validation.pipe.js';
import { SuccessEnvelopeInterceptor } from '../http/success-envelope.interceptor.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { RegisterVisitorDto } from './dto/register-visitor.dto.js';
import { VisitorTokenParam } from './dto/visitor-token.param.js';

@Controller('api/v1/livechat/visitor')
@UseInterceptors(SuccessEnvelopeInterceptor)
export class VisitorController {
  constructor(private readonly rpc: NatsRpc) {}

  @Post()
  @HttpCode(200)
  register(@Body(apiValidationPipe(false)) body: RegisterVisitorDto): Promise<VisitorReply> {
    return this.rpc.request(ROOMS_COMMANDS.registerVisitor, body.visitor);
  }

  @Get(':token')
  get(@Param(apiValidationPipe(true)) params: VisitorTokenParam): Promise<VisitorReply> {
    return this.rpc.request(ROOMS_COMMANDS.getVisitor, { token: params.token });
  }
}
