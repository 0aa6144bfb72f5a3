import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ERRORS, type DomainError } from '@livechat/contracts';
import {
  AgentNotFoundReplySchema,
  ErrorReplySchema,
  ForbiddenReplySchema,
  ServiceUnavailableReplySchema,
  TimeoutReplySchema,
} from './common.schema.js';

/** The groups of the API document. */
export const API_TAGS = {
  livechat: 'livechat',
  operators: 'operators',
  agents: 'agents',
  health: 'health',
} as const;

type ClassAndMethodDecorator = ReturnType<typeof applyDecorators>;

/** 503 and 504: every endpoint that forwards over NATS can meet them (docs/api.md#conventions). */
function ApiTransportFailures(): ClassAndMethodDecorator {
  return applyDecorators(
    ApiServiceUnavailableResponse({
      type: ServiceUnavailableReplySchema,
      description: 'No replica of the service behind the gateway answers.',
      example: { success: false, error: ERRORS.serviceUnavailable.error },
    }),
    ApiGatewayTimeoutResponse({
      type: TimeoutReplySchema,
      description: 'No reply within the deadline (RPC_TIMEOUT_MS).',
      example: { success: false, error: ERRORS.timeout.error },
    }),
  );
}

/** A visitor controller: no login (the visitor token is the credential). */
export function ApiLivechatController(): ClassAndMethodDecorator {
  return applyDecorators(ApiTags(API_TAGS.livechat), ApiTransportFailures());
}

/** An operator controller (its credentials: `Allow`), and the NATS transport failures of every forwarded call. */
export function ApiOperatorController(): ClassAndMethodDecorator {
  return applyDecorators(ApiTags(API_TAGS.operators), ApiTransportFailures());
}

/** An agent's controller (docs/api.md#agents-sign-in; its credentials: `Allow`), and the NATS transport failures. */
export function ApiAgentController(): ClassAndMethodDecorator {
  return applyDecorators(ApiTags(API_TAGS.agents), ApiTransportFailures());
}

/** 403 `unauthorized`: an agent naming another agent (docs/api.md#agents-sign-in: an agent acts only for themselves). */
export function ApiForOneself(): ClassAndMethodDecorator {
  return ApiForbiddenResponse({
    type: ForbiddenReplySchema,
    description: 'An agent acting for another agent.',
    example: { success: false, error: ERRORS.forbidden.error },
  });
}

function envelope(error: DomainError): Record<string, unknown> {
  return 'errorType' in error && error.errorType
    ? { success: false, error: error.error, errorType: error.errorType }
    : { success: false, error: error.error };
}

/**
 * 400 in the API envelope: a malformed request (a readable message such as `validationExample`) or
 * one of the domain errors this endpoint can answer, each listed as an example with the reference's
 * strings. Without arguments (endpoints that take no input) only the envelope is documented.
 */
export function ApiRejects(validationExample?: string, ...errors: DomainError[]): ClassAndMethodDecorator {
  const examples: Record<string, { summary: string; value: unknown }> = {};
  if (validationExample) {
    examples['malformed-request'] = {
      summary: 'Malformed request (missing, non-string or oversized parameter, unknown key, body not JSON)',
      value: { success: false, error: validationExample },
    };
  }
  for (const error of errors) examples[error.code] = { summary: error.error, value: envelope(error) };
  const listed = errors.map((e) => `\`${e.error}\``).join(', ');
  return ApiBadRequestResponse({
    type: ErrorReplySchema,
    description: listed ? `Malformed request, or one of: ${listed}.` : 'Malformed request.',
    ...(Object.keys(examples).length > 0 ? { examples } : {}),
  });
}

/** 404 `Agent not found` (docs/api.md#operator-endpoints, docs/routing.md). */
export function ApiAgentNotFound(): ClassAndMethodDecorator {
  return ApiNotFoundResponse({
    type: AgentNotFoundReplySchema,
    description: 'No agent has this id.',
    example: envelope(ERRORS.agentNotFound),
  });
}
