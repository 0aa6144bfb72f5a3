import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ERRORS,
  ROUTING_COMMANDS,
  type Agent,
  type AgentIdCommand,
  type AgentLivechatStatus,
  type CreateAgentCommand,
  type SetAgentStatusCommand,
  type UserRef,
} from '@livechat/contracts';
import { Allow, AUDIENCES, type Principal } from '../auth/access.js';
import { actingAgentId, CurrentPrincipal } from '../auth/principal.decorator.js';
import { ApiAgentNotFound, ApiForOneself, ApiOperatorController, ApiRejects } from '../docs/api-docs.decorators.js';
import { SuccessReplySchema } from '../docs/common.schema.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import {
  AgentListReplySchema,
  AgentReplySchema,
  AgentStatusReplySchema,
  CreateAgentReplySchema,
} from './dto/agent.schema.js';
import { CreateAgentDto } from './dto/create-agent.dto.js';
import { IdParam } from './dto/id.param.js';
import { SetAgentStatusDto } from './dto/set-agent-status.dto.js';

/** Livechat agents (docs/api.md#operator-endpoints), owned by the routing service. The operator's, but for an agent's own availability (docs/api.md#agents-sign-in): `Allow` per endpoint (on the class it would add to each one's). */
@Controller('api/v1/livechat')
@ApiOperatorController()
export class AgentsController {
  constructor(private readonly rpc: NatsRpc) {}

  @Post('users/agent')
  @Allow(AUDIENCES.operator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Create an agent', description: 'A new agent starts with status online and statusLivechat available.' })
  @ApiOkResponse({ type: CreateAgentReplySchema })
  @ApiRejects("'username' should not be empty")
  create(@Body() body: CreateAgentDto): Promise<{ user: UserRef }> {
    const cmd: CreateAgentCommand = { username: body.username, name: body.name, maxChats: body.maxChats };
    return this.rpc.request(ROUTING_COMMANDS.createAgent, cmd);
  }

  @Get('users/agent')
  @Allow(AUDIENCES.operator)
  @ApiOperation({ summary: 'List the agents' })
  @ApiOkResponse({ type: AgentListReplySchema })
  @ApiRejects()
  list(): Promise<{ users: Agent[] }> {
    return this.rpc.request(ROUTING_COMMANDS.listAgents, {});
  }

  @Get('users/agent/:_id')
  @Allow(AUDIENCES.operator)
  @ApiOperation({ summary: 'Get an agent', description: 'An unknown id answers `{"user": null}`.' })
  @ApiOkResponse({ type: AgentReplySchema })
  @ApiRejects("'_id' must be shorter than or equal to 256 characters")
  get(@Param() params: IdParam): Promise<{ user: Agent | null }> {
    const cmd: AgentIdCommand = { agentId: params._id };
    return this.rpc.request(ROUTING_COMMANDS.getAgent, cmd);
  }

  @Delete('users/agent/:_id')
  @Allow(AUDIENCES.operator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete an agent', description: "The agent's open rooms go back to the queue, at their original place." })
  @ApiOkResponse({ type: SuccessReplySchema })
  @ApiRejects("'_id' must be shorter than or equal to 256 characters")
  @ApiAgentNotFound()
  delete(@Param() params: IdParam): Promise<object> {
    const cmd: AgentIdCommand = { agentId: params._id };
    return this.rpc.request(ROUTING_COMMANDS.deleteAgent, cmd);
  }

  @Post('agent.status')
  @HttpCode(200)
  @Allow(AUDIENCES.operator, AUDIENCES.agent)
  @ApiOperation({
    summary: "Set an agent's livechat availability",
    description:
      'An agent who becomes not-available keeps the rooms they have. The operator names the agent (`agentId`); an agent ' +
      "sets their own (`agentId` omitted or their own id; another agent's is 403).",
  })
  @ApiOkResponse({ type: AgentStatusReplySchema })
  @ApiRejects("'status' must be one of the following values: available, not-available")
  @ApiAgentNotFound()
  @ApiForOneself()
  setStatus(@Body() body: SetAgentStatusDto, @CurrentPrincipal() principal: Principal): Promise<{ status: AgentLivechatStatus }> {
    const cmd: SetAgentStatusCommand = { agentId: actingAgentId(principal, body.agentId, 'agentId'), status: body.status };
    return this.rpc.request(ROUTING_COMMANDS.setAgentStatus, cmd);
  }
}
