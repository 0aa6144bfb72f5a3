import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ROUTING_COMMANDS,
  type Agent,
  type AgentIdCommand,
  type CreateAgentCommand,
  type SetAgentPresenceCommand,
  type SetAgentStatusCommand,
} from '@livechat/contracts';
import { AgentsService } from './agents.service.js';

@Controller()
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @MessagePattern(ROUTING_COMMANDS.createAgent)
  create(@Payload() cmd: CreateAgentCommand) {
    return this.agents.create(cmd);
  }

  @MessagePattern(ROUTING_COMMANDS.listAgents)
  async list(): Promise<{ users: Agent[] }> {
    return { users: await this.agents.list() };
  }

  @MessagePattern(ROUTING_COMMANDS.getAgent)
  async get(@Payload() cmd: AgentIdCommand): Promise<{ user: Agent | null }> {
    return { user: await this.agents.get(cmd.agentId) };
  }

  @MessagePattern(ROUTING_COMMANDS.deleteAgent)
  async delete(@Payload() cmd: AgentIdCommand): Promise<Record<string, never>> {
    await this.agents.delete(cmd.agentId);
    return {};
  }

  @MessagePattern(ROUTING_COMMANDS.setAgentStatus)
  async setStatus(@Payload() cmd: SetAgentStatusCommand): Promise<{ status: string }> {
    await this.agents.setAvailability(cmd.agentId, cmd.status);
    return { status: cmd.status };
  }

  @MessagePattern(ROUTING_COMMANDS.setAgentPresence)
  async setPresence(@Payload() cmd: SetAgentPresenceCommand): Promise<Record<string, never>> {
    await this.agents.setPresence(cmd.agentId, cmd.status);
    return {};
  }
}
