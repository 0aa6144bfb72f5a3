import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ROUTING_COMMANDS,
  type AgentCredentials,
  type AgentTokenReply,
  type AuthenticateAgentReply,
  type CreateAgentTokenCommand,
} from '@livechat/contracts';
import { CredentialsService } from './credentials.service.js';

@Controller()
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @MessagePattern(ROUTING_COMMANDS.createAgentToken)
  create(@Payload() cmd: CreateAgentTokenCommand): Promise<AgentTokenReply> {
    return this.credentials.createToken(cmd.agentId);
  }

  @MessagePattern(ROUTING_COMMANDS.authenticateAgent)
  authenticate(@Payload() cmd: AgentCredentials): Promise<AuthenticateAgentReply> {
    return this.credentials.authenticate(cmd);
  }

  @MessagePattern(ROUTING_COMMANDS.revokeAgentToken)
  async revoke(@Payload() cmd: AgentCredentials): Promise<Record<string, never>> {
    await this.credentials.revoke(cmd);
    return {};
  }
}
