import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, ROUTING_COMMANDS, type Agent, type AgentIdCommand } from '@livechat/contracts';
import { Allow, AUDIENCES, type AgentPrincipal } from '../auth/access.js';
import { CurrentAgent } from '../auth/principal.decorator.js';
import { ApiAgentController, ApiRejects } from '../docs/api-docs.decorators.js';
import { SuccessReplySchema } from '../docs/common.schema.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { MeReplySchema } from './dto/agent-replies.schema.js';

/** An agent's session (docs/api.md#agents-sign-in): who they are, and signing out. */
@Controller('api/v1')
@Allow(AUDIENCES.agent)
@ApiAgentController()
export class AgentSessionController {
  constructor(private readonly rpc: NatsRpc) {}

  @Get('me')
  @ApiOperation({ summary: 'The agent these credentials belong to' })
  @ApiOkResponse({ type: MeReplySchema })
  @ApiRejects()
  async me(@CurrentAgent() me: AgentPrincipal): Promise<Pick<Agent, '_id' | 'username' | 'name' | 'status' | 'statusLivechat'>> {
    const cmd: AgentIdCommand = { agentId: me.agent._id };
    const { user } = await this.rpc.request<{ user: Agent | null }>(ROUTING_COMMANDS.getAgent, cmd);
    // Deleted since the credentials were checked: their tokens went with them.
    if (!user) throw new RpcException(ERRORS.unauthorized);
    return { _id: user._id, username: user.username, name: user.name, status: user.status, statusLivechat: user.statusLivechat };
  }

  @Post('logout')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke the token this request carries',
    description: "Its next use, on any gateway replica, is 401. The agent's other tokens stay valid.",
  })
  @ApiOkResponse({ type: SuccessReplySchema })
  @ApiRejects()
  async logout(@CurrentAgent() me: AgentPrincipal): Promise<Record<string, never>> {
    await this.rpc.request(ROUTING_COMMANDS.revokeAgentToken, me.credentials);
    return {};
  }
}
