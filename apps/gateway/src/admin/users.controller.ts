import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ERRORS, ROUTING_COMMANDS, type AgentTokenReply, type CreateAgentTokenCommand, type SetAgentPresenceCommand } from '@livechat/contracts';
import { Allow, AUDIENCES } from '../auth/access.js';
import { ApiAgentNotFound, ApiOperatorController, ApiRejects } from '../docs/api-docs.decorators.js';
import { SuccessReplySchema } from '../docs/common.schema.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { CreateTokenDto } from './dto/create-token.dto.js';
import { CreateTokenReplySchema } from './dto/create-token.schema.js';
import { SetUserStatusDto } from './dto/set-user-status.dto.js';

/** A user's presence (docs/api.md#operator-endpoints, `users.setStatus`) and credentials (docs/api.md#agents-sign-in, `users.createToken`); here every user is a livechat agent. */
@Controller('api/v1')
@Allow(AUDIENCES.operator)
@ApiOperatorController()
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
  setStatus(@Body() body: SetUserStatusDto): Promise<object> {
    const cmd: SetAgentPresenceCommand = { agentId: body.userId, status: body.status };
    return this.rpc.request(ROUTING_COMMANDS.setAgentPresence, cmd);
  }

  @Post('users.createToken')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make a token for an agent',
    description:
      'The agent then sends `X-User-Id: <userId>` and `X-Auth-Token: <authToken>`. The token is answered this once and kept ' +
      'only as its SHA-256; an agent may hold several (at most 25: one more revokes the oldest). `logout` revokes one, deleting the agent revokes all.',
  })
  @ApiOkResponse({ type: CreateTokenReplySchema })
  @ApiRejects(ERRORS.userParamNotProvided.error, ERRORS.invalidUser)
  async createToken(@Body() body: CreateTokenDto): Promise<{ data: AgentTokenReply }> {
    const cmd: CreateAgentTokenCommand = { agentId: body.userId };
    return { data: await this.rpc.request<AgentTokenReply>(ROUTING_COMMANDS.createAgentToken, cmd) };
  }
}
