import { Body, Controller, HttpCode, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { ROUTING_COMMANDS, type SetAgentPresenceCommand } from '@livechat/contracts';
import { OperatorTokenGuard } from '../auth/operator-token.guard.js';
import { SuccessEnvelopeInterceptor } from '../http/success-envelope.interceptor.js';
import { apiValidationPipe } from '../http/validation.pipe.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { SetUserStatusDto } from './dto/set-user-status.dto.js';

/** A user's presence (SPEC §6, `users.setStatus`); here every user is a livechat agent. */
@Controller('api/v1')
@UseGuards(OperatorTokenGuard)
@UseInterceptors(SuccessEnvelopeInterceptor)
export class UsersController {
  constructor(private readonly rpc: NatsRpc) {}

  @Post('users.setStatus')
  @HttpCode(200)
  setStatus(@Body(apiValidationPipe(true)) body: SetUserStatusDto): Promise<object> {
    const cmd: SetAgentPresenceCommand = { agentId: body.userId, status: body.status };
    return this.rpc.request(ROUTING_COMMANDS.setAgentPresence, cmd);
  }
}
