import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, LIMITS, ROUTING_COMMANDS, type AgentCredentials, type AuthenticateAgentReply } from '@livechat/contracts';
import type { FastifyRequest } from 'fastify';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { ALLOW_METADATA, AUDIENCES, type Audience, type Principal } from './access.js';
import { OperatorToken } from './operator-token.js';

const HEADERS = { authToken: 'x-auth-token', userId: 'x-user-id' } as const;

/**
 * Every request's credentials, checked against the endpoint's `Allow` (registered once, as APP_GUARD):
 * - `X-User-Id` present: an agent. Exactly one `X-User-Id` and one `X-Auth-Token`, checked by routing
 *   (one NATS request; the owner of agents keeps their tokens' hashes). Nothing is cached here, so a
 *   token revoked (logout, agent deleted) is refused by the very next request on every gateway replica
 *   (docs/guarantees.md#10-no-answer-staler-than-an-acknowledged-change). Unknown agent, wrong or revoked token, another agent's id: 401.
 * - else: exactly one `X-Auth-Token` equal to the operator token (constant-time compare), or 401.
 * An agent on an endpoint that does not take agents is 403; the operator token on one that does not
 * take the operator (an agent's own actions) is 401: it is not an agent's credential (docs/api.md#agents-sign-in).
 * Guards run before pipes: an unauthenticated request is refused before its input is looked at.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly operatorToken: OperatorToken;

  constructor(
    private readonly reflector: Reflector,
    private readonly rpc: NatsRpc,
    @Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'LIVECHAT_ADMIN_TOKEN'>,
  ) {
    this.operatorToken = new OperatorToken(config.LIVECHAT_ADMIN_TOKEN);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const audiences = this.reflector.getAllAndOverride<Audience[] | undefined>(ALLOW_METADATA, [context.getHandler(), context.getClass()]);
    // Routes of shared modules (metrics) declare nothing; every gateway controller does (access.guard.spec checks it).
    if (!audiences || audiences.includes(AUDIENCES.anyone)) return true;
    const request = context.switchToHttp().getRequest<Pick<FastifyRequest, 'raw' | 'principal'>>();
    const principal = await this.authenticate(request.raw.headersDistinct);
    if (!audiences.includes(principal.kind)) {
      throw new RpcException(principal.kind === AUDIENCES.agent ? ERRORS.forbidden : ERRORS.unauthorized);
    }
    request.principal = principal;
    return true;
  }

  /** The agent of `X-User-Id` when the request names one, else the operator; 401 when the credentials do not hold. */
  private async authenticate(headers: NodeJS.Dict<string[]>): Promise<Principal> {
    // headersDistinct keeps repeated headers apart (`headers` would join them with ", ").
    const token = single(headers[HEADERS.authToken]);
    if (headers[HEADERS.userId] !== undefined) {
      const agentId = single(headers[HEADERS.userId]);
      if (!agentId || !token || agentId.length > LIMITS.id || token.length > LIMITS.token) throw new RpcException(ERRORS.unauthorized);
      const credentials: AgentCredentials = { agentId, authToken: token };
      const { agent } = await this.rpc.request<AuthenticateAgentReply>(ROUTING_COMMANDS.authenticateAgent, credentials);
      return { kind: AUDIENCES.agent, agent, credentials };
    }
    if (token === undefined || !this.operatorToken.matches(token)) throw new RpcException(ERRORS.unauthorized);
    return { kind: AUDIENCES.operator };
  }
}

function single(values: string[] | undefined): string | undefined {
  return values?.length === 1 ? values[0] : undefined;
}
