import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import {
  ROUTING_COMMANDS,
  type Agent,
  type AgentIdCommand,
  type AgentLivechatStatus,
  type CreateAgentCommand,
  type SetAgentStatusCommand,
  type UserRef,
} from '@livechat/contracts';
import { OperatorTokenGuard } from '../auth/operator-token.guard.js';
import { SuccessEnvelopeInterceptor } from '../http/success-envelope.interceptor.js';
import { apiValidationPipe } from '../http/validation.pipe.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { CreateAgentDto } from './dto/create-agent.dto.js';
import { IdParam } from './dto/id.param.js';
import { SetAgentStatusDto } from './dto/set-agent-status.dto.js';

/** Livechat agents (SPEC §6), owned by the routing service. */
@Controller('api/v1/livechat')
@UseGuards(OperatorTokenGuard)
@UseInterceptors(SuccessEnvelopeInterceptor)
export class AgentsController {
  constructor(private readonly rpc: NatsRpc) {}

  @Post('users/agent')
  @HttpCode(200)
  create(@Body(apiValidationPipe(true)) body: CreateAgentDto): Promise<{ user: UserRef }> {
    const cmd: CreateAgentCommand = { username: body.username, name: body.name, maxChats: body.maxChats };
    return this.rpc.request(ROUTING_COMMANDS.createAgent, cmd);
  }

  @Get('users/agent')
  list(): Promise<{ users: Agent[] }> {
    return this.rpc.request(ROUTING_COMMANDS.listAgents, {});
  }

  @Get('users/agent/:_id')
  get(@Param(apiValidationPipe(true)) params: IdParam): Promise<{ user: Agent | null }> {
    const cmd: AgentIdCommand = { agentId: params._id };
    return this.rpc.request(ROUTING_COMMANDS.getAgent, cmd);
  }

  @Delete('users/agent/:_id')
  @HttpCode(200)
  delete(@Param(apiValidationPipe(true)) params: IdParam): Promise<object> {
    const cmd: AgentIdCommand = { agentId: params._id };
    return this.rpc.request(ROUTING_COMMANDS.deleteAgent, cmd);
  }

  @Post('agent.status')
  @HttpCode(200)
  setStatus(@Body(apiValidationPipe(true)) body: SetAgentStatusDto): Promise<{ status: AgentLivechatStatus }> {
    const cmd: SetAgentStatusCommand = { agentId: body.agentId, status: body.status };
    return this.rpc.request(ROUTING_COMMANDS.setAgentStatus, cmd);
  }
}
