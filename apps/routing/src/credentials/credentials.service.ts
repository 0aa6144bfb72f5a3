import { Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, type AgentCredentials, type AgentTokenReply, type AuthenticateAgentReply } from '@livechat/contracts';
import { displayName } from '../agents/agents.repository.js';
import { MAX_TOKENS_PER_AGENT, matchesAny, newAgentToken, tokenHash } from './agent-token.js';
import { AgentTokensRepository } from './agent-tokens.repository.js';

/**
 * Agents' credentials (docs/api.md#agents-sign-in): tokens made here and shown once, kept only as hashes (agent-token.ts),
 * checked on every agent request (the gateway asks; nothing is cached, so a revoked token is refused
 * by the next request on any replica: docs/guarantees.md#10-no-answer-staler-than-an-acknowledged-change), revoked by logout or with the agent.
 */
@Injectable()
export class CredentialsService {
  constructor(private readonly tokens: AgentTokensRepository) {}

  async createToken(agentId: string): Promise<AgentTokenReply> {
    const authToken = newAgentToken();
    if (!(await this.tokens.insert(agentId, tokenHash(authToken), new Date(), MAX_TOKENS_PER_AGENT))) {
      throw new RpcException(ERRORS.invalidUser);
    }
    return { userId: agentId, authToken };
  }

  /** The agent these credentials belong to; `unauthorized` for an unknown agent, a wrong or revoked token, another agent's token. */
  async authenticate(credentials: AgentCredentials): Promise<AuthenticateAgentReply> {
    const found = await this.tokens.agentWithTokens(credentials.agentId);
    if (!found || !matchesAny(credentials.authToken, found.hashes)) throw new RpcException(ERRORS.unauthorized);
    return { agent: { _id: found.id, username: found.username, name: displayName(found) } };
  }

  /** Logout: revokes the token the (authenticated) request carries. */
  async revoke(credentials: AgentCredentials): Promise<void> {
    await this.tokens.delete(credentials.agentId, tokenHash(credentials.authToken));
  }
}
