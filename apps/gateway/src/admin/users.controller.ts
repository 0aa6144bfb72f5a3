import { Body, Controller, HttpCode, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ROUTING_COMMANDS, type SetAgentPresenceCommand } from '@livechat/contracts';
import { OperatorTokenGuard } from '../auth/operator-token.guard.js';
import { ApiAgentNotFound, ApiOperatorController, ApiRejects } from '../docs/api-docs.decorators.js';
import { SuccessReplySchema } from '../docs/common.schema.js';
import { SuccessEnvelopeInterceptor } from '../http/success-envelope.interceptor.js';
import { apiValidationPipe } from '../http/validation.pipe.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { SetUserStatusDto } from './dto/set-user-status.dto.js';

/** A user's presence (SPEC §6, `users.setStatus`); here every user is a livechat agent. */
@Controller('api/v1')
@UseGuards(OperatorTokenGuard)
@ApiOperatorController()
@UseInterceptors(SuccessEnvelopeInterceptor)
export class UsersController {
  constructor(private readonly rpc: NatsRpc) {}

  @Post('users.setStatus')
  @HttpCode(200)
  @ApiOperation({
    summary: "Set an agent's presence",
    description: 'An agent who goes offline keeps the rooms they have; away counts as online unless Livechat_enabled_when_agent_idle is false.',
  })
  @ApiOkResponse({ type: SuccessReplySchema })
  @ApiRejects("'status' must be one of the following values: online, away, offline")
  @ApiAgentNotFound()
  setStatus(@Body(apiValidationPipe(true)) body: SetUserStatusDto): Promise<object> {
    const cmd: SetAgentPresenceCommand = { agentId: body.userId, status: body.status };
    return this.rpc.request(ROUTING_COMMANDS.setAgentPresence, cmd);
  }
}
