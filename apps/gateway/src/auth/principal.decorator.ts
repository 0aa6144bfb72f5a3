import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERRORS } from '@livechat/contracts';
import type { FastifyRequest } from 'fastify';
import { AUDIENCES, type AgentPrincipal, type Principal } from './access.js';

function principalOf(context: ExecutionContext): Principal {
  const principal = context.switchToHttp().getRequest<Pick<FastifyRequest, 'principal'>>().principal;
  if (!principal) throw new Error('no principal: the endpoint declares no Allow, or AccessGuard did not run');
  return principal;
}

/** The operator or the agent who made the request (on endpoints that `Allow` both). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => principalOf(context));

/** The agent who made the request (on endpoints that `Allow` agents only). */
export const CurrentAgent = createParamDecorator((_data: unknown, context: ExecutionContext): AgentPrincipal => {
  const principal = principalOf(context);
  if (principal.kind !== AUDIENCES.agent) throw new Error('CurrentAgent on an endpoint that takes more than agents');
  return principal;
});

/**
 * The agent a request acts for (docs/api.md#agents-sign-in): an agent only for themselves (`named` omitted or their own
 * id; another agent's is 403 `unauthorized`), the operator for the agent `named` in `field` (required).
 */
export function actingAgentId(principal: Principal, named: string | undefined, field: string): string {
  if (principal.kind === AUDIENCES.agent) {
    if (named !== undefined && named !== principal.agent._id) throw new RpcException(ERRORS.forbidden);
    return principal.agent._id;
  }
  if (named === undefined) throw new BadRequestException(`'${field}' is required`);
  return named;
}
