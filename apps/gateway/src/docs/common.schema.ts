import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ERRORS } from '@livechat/contracts';

/**
 * The OpenAPI schemas of the envelopes every endpoint answers (docs/api.md#conventions) and of the small objects
 * several replies share. Documentation only: the wire format is made by SuccessEnvelopeInterceptor
 * and ApiEnvelopeFilter.
 */

export const ID_DOC = {
  description: '17-character random id',
  example: 'bXs7bw2hgPq5XnJ4L',
} as const;

export const DATE_DOC = {
  type: 'string',
  format: 'date-time',
  description: 'ISO-8601, milliseconds and Z',
  example: '2025-01-01T12:00:00.000Z',
} as const;

@ApiSchema({ name: 'SuccessReply', description: 'A success: the result object with `"success": true` added.' })
export class SuccessReplySchema {
  @ApiProperty({ type: 'boolean', enum: [true], example: true })
  success: true;
}

@ApiSchema({
  name: 'ErrorReply',
  description: 'A failure (docs/api.md#conventions): a domain error with the reference\'s strings, or a readable validation message.',
})
export class ErrorReplySchema {
  @ApiProperty({ type: 'boolean', enum: [false], example: false })
  success: false;

  @ApiProperty({ example: 'invalid-token' })
  error: string;

  @ApiPropertyOptional({ description: 'Sent where the reference sends one', example: 'no-agent-online' })
  errorType?: string;
}

@ApiSchema({
  name: 'UnauthorizedReply',
  description: 'Missing, repeated, wrong or revoked credentials: the operator token, or an agent\'s `X-User-Id` + `X-Auth-Token`.',
})
export class UnauthorizedReplySchema {
  @ApiProperty({ type: 'boolean', enum: [false], example: false })
  success: false;

  @ApiProperty({ enum: [ERRORS.unauthorized.error] })
  error: string;
}

@ApiSchema({
  name: 'ForbiddenReply',
  description: "Valid credentials that may not do this: an agent's on an operator endpoint, or an agent acting for another agent (403).",
})
export class ForbiddenReplySchema {
  @ApiProperty({ type: 'boolean', enum: [false], example: false })
  success: false;

  @ApiProperty({ enum: [ERRORS.forbidden.error] })
  error: string;
}

@ApiSchema({ name: 'AgentNotFoundReply', description: 'No agent has this id.' })
export class AgentNotFoundReplySchema {
  @ApiProperty({ type: 'boolean', enum: [false], example: false })
  success: false;

  @ApiProperty({ enum: [ERRORS.agentNotFound.error] })
  error: string;
}

@ApiSchema({ name: 'ServiceUnavailableReply', description: 'No replica of the service behind the gateway answers.' })
export class ServiceUnavailableReplySchema {
  @ApiProperty({ type: 'boolean', enum: [false], example: false })
  success: false;

  @ApiProperty({ enum: [ERRORS.serviceUnavailable.error] })
  error: string;
}

@ApiSchema({ name: 'TimeoutReply', description: 'The service behind the gateway did not answer within the deadline (RPC_TIMEOUT_MS).' })
export class TimeoutReplySchema {
  @ApiProperty({ type: 'boolean', enum: [false], example: false })
  success: false;

  @ApiProperty({ enum: [ERRORS.timeout.error] })
  error: string;
}

@ApiSchema({ name: 'UserRef' })
export class UserRefSchema {
  @ApiProperty(ID_DOC)
  _id: string;

  @ApiProperty({ example: 'agent.smith' })
  username: string;
}

/** A visitor as rooms and inquiries name them. */
@ApiSchema({ name: 'VisitorRef' })
export class VisitorRefSchema {
  @ApiProperty(ID_DOC)
  _id: string;

  @ApiProperty({ example: 'guest-1' })
  username: string;

  @ApiProperty({ example: 'visitor-token-1' })
  token: string;
}
