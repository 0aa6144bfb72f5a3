import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ERRORS, type AgentCredentials, type AgentIdentity } from '@livechat/contracts';
import { ForbiddenReplySchema, UnauthorizedReplySchema } from '../docs/common.schema.js';

/**
 * Who may call an endpoint (docs/api.md#conventions, docs/api.md#agents-sign-in): `anyone` (visitor endpoints, where the visitor token is the
 * credential; health; the console page), the `operator` (`X-Auth-Token` equal to LIVECHAT_ADMIN_TOKEN),
 * an `agent` (`X-User-Id` + `X-Auth-Token`: their own credentials).
 */
export const AUDIENCES = { anyone: 'anyone', operator: 'operator', agent: 'agent' } as const;
export type Audience = (typeof AUDIENCES)[keyof typeof AUDIENCES];

/** Who made a request, as AccessGuard authenticated it. */
export type Principal =
  | { kind: typeof AUDIENCES.anyone }
  | { kind: typeof AUDIENCES.operator }
  | { kind: typeof AUDIENCES.agent; agent: AgentIdentity; credentials: AgentCredentials };

export type AgentPrincipal = Extract<Principal, { kind: 'agent' }>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by AccessGuard before the handler runs. */
    principal?: Principal;
  }
}

export const ALLOW_METADATA = 'livechat:allow';

/** The security schemes of the API document: the operator's or an agent's token, and the agent's id. */
export const SECURITY_SCHEMES = { authToken: 'X-Auth-Token', userId: 'X-User-Id' } as const;

/**
 * Who may call this endpoint (on a controller: each of its endpoints; a method's own `Allow` wins).
 * AccessGuard enforces it; the API document shows the credentials it takes and its 401 (and, for an
 * operator endpoint, the 403 of agent credentials).
 */
export function Allow(...audiences: Audience[]): ReturnType<typeof applyDecorators> {
  const decorators: (ClassDecorator & MethodDecorator)[] = [SetMetadata(ALLOW_METADATA, audiences)];
  if (audiences.includes(AUDIENCES.anyone)) return applyDecorators(...decorators);
  const operator = audiences.includes(AUDIENCES.operator);
  const agent = audiences.includes(AUDIENCES.agent);
  if (operator) decorators.push(ApiSecurity({ [SECURITY_SCHEMES.authToken]: [] }));
  if (agent) decorators.push(ApiSecurity({ [SECURITY_SCHEMES.userId]: [], [SECURITY_SCHEMES.authToken]: [] }));
  const takes = [operator && 'the operator token (`X-Auth-Token` alone)', agent && "an agent's own `X-User-Id` + `X-Auth-Token`"]
    .filter(Boolean)
    .join(' or ');
  decorators.push(
    ApiUnauthorizedResponse({
      type: UnauthorizedReplySchema,
      description: `Missing, repeated, wrong or revoked credentials (this endpoint takes ${takes}).`,
      example: { success: false, error: ERRORS.unauthorized.error },
    }),
  );
  if (!agent) {
    decorators.push(
      ApiForbiddenResponse({
        type: ForbiddenReplySchema,
        description: "An agent's credentials: this is an operator endpoint.",
        example: { success: false, error: ERRORS.forbidden.error },
      }),
    );
  }
  return applyDecorators(...decorators);
}
