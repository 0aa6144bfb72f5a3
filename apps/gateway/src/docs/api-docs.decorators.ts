import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ERRORS, type DomainError } from '@livechat/contracts';
import {
  AgentNotFoundReplySchema,
  ErrorReplySchema,
  ServiceUnavailableReplySchema,
  TimeoutReplySchema,
  UnauthorizedReplySchema,
} from './common.schema.js';

/** The groups of the API document. */
export const API_TAGS = {
  livechat: 'livechat',
  operators: 'operators',
  health: 'health',
} as const;

/** The security scheme of the operator endpoints: the `X-Auth-Token` header (SPEC §2). */
export const OPERATOR_TOKEN_SCHEME = 'X-Auth-Token';

type ClassAndMethodDecorator = ReturnType<typeof applyDecorators>;

/** 503 and 504: every endpoint that forwards over NATS can meet them (SPEC §2). */
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

/** An operator endpoint: it needs `X-Auth-Token`, and answers 401 without it. */
export function ApiOperatorAuth(): ClassAndMethodDecorator {
  return applyDecorators(
    ApiTags(API_TAGS.operators),
    ApiSecurity(OPERATOR_TOKEN_SCHEME),
    ApiUnauthorizedResponse({
      type: UnauthorizedReplySchema,
      description: 'Missing, repeated or wrong `X-Auth-Token`.',
      example: { success: false, error: ERRORS.unauthorized.error },
    }),
  );
}

/** An operator controller: operator auth, and the NATS transport failures of every forwarded call. */
export function ApiOperatorController(): ClassAndMethodDecorator {
  return applyDecorators(ApiOperatorAuth(), ApiTransportFailures());
}

function envelope(error: DomainError): Record<string, unknown> {
  return 'errorType' in error && error.errorType
    ? { success: false, error: error.error, errorType: error.errorType }
    : { success: false, error: error.error };
}

/**
 * 400 in the SPEC envelope: a malformed request (a readable message such as `validationExample`) or
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

/** 404 `Agent not found` (SPEC §6, §7). */
export function ApiAgentNotFound(): ClassAndMethodDecorator {
  return ApiNotFoundResponse({
    type: AgentNotFoundReplySchema,
    description: 'No agent has this id.',
    example: envelope(ERRORS.agentNotFound),
  });
}
