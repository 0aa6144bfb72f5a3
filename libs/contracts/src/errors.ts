/**
 * The domain errors a service may answer, as the client sees them. A service throws
 * `new RpcException(ERRORS.invalidRoom)`; the gateway turns `code` into an HTTP status in one table
 * (ERROR_STATUS) and sends `error` (and `errorType`, where the reference sends one) in the API envelope.
 *
 * The strings are Rocket.Chat's: a plain `Error('x')` there answers `"x"`, a `Meteor.Error('x', 'msg')`
 * answers `"msg [x]"` with `errorType: "x"`. A key is its code in camelCase (less the reference's
 * `error-` prefix), but where two errors share a code or the reference's code names another thing:
 * the key then says which error it is.
 */
export interface DomainError {
  code: string;
  error: string;
  errorType?: string;
}

export const ERRORS = {
  invalidToken: { code: 'invalid-token', error: 'invalid-token' },
  unknownVisitorToken: { code: 'invalid-token', error: '[invalid-token]', errorType: 'invalid-token' },
  emptyToken: {
    code: 'error-invalid-token',
    error: 'Token cannot be empty [error-invalid-token]',
    errorType: 'error-invalid-token',
  },
  invalidDepartment: {
    code: 'error-invalid-department',
    error: 'The provided department is invalid [error-invalid-department]',
    errorType: 'error-invalid-department',
  },
  invalidRoom: { code: 'invalid-room', error: 'invalid-room' },
  roomClosed: { code: 'room-closed', error: 'room-closed' },
  noAgentOnline: {
    code: 'no-agent-online',
    error: 'Sorry, no online agents [no-agent-online]',
    errorType: 'no-agent-online',
  },
  omnichannelDisabled: {
    code: 'error-omnichannel-is-disabled',
    error: '[error-omnichannel-is-disabled]',
    errorType: 'error-omnichannel-is-disabled',
  },
  agentNotFound: { code: 'agent-not-found', error: 'Agent not found' },
  invalidAgent: { code: 'invalid-agent', error: 'The provided agent is invalid [error-invalid-agent]', errorType: 'error-invalid-agent' },
  duplicatedDepartmentName: {
    code: 'duplicated-department-name',
    error: 'A department with this name already exists [error-duplicated-department-name]',
    errorType: 'error-duplicated-department-name',
  },
  invalidSetting: { code: 'invalid-setting', error: 'Invalid setting [error-invalid-setting]', errorType: 'error-invalid-setting' },
  invalidInquiry: { code: 'invalid-inquiry', error: 'The inquiry is not queued [error-invalid-inquiry]', errorType: 'error-invalid-inquiry' },
  maxChatsReached: {
    code: 'max-chats-reached',
    error: 'The agent has reached the maximum number of simultaneous chats [error-max-number-simultaneous-chats-reached]',
    errorType: 'error-max-number-simultaneous-chats-reached',
  },
  emptyMessage: { code: 'empty-message', error: "'msg' should not be empty" },
  messageLengthExceedsCharacterLimit: { code: 'message-length-exceeds-character-limit', error: 'message-length-exceeds-character-limit' },
  invalidMessageId: { code: 'invalid-message-id', error: 'invalid-message-id' },
  invalidMessage: { code: 'invalid-message', error: 'invalid-message' },
  tokenParamNotProvided: { code: 'error-token-param-not-provided', error: 'error-token-param-not-provided' },
  notAllowed: { code: 'error-not-allowed', error: 'error-not-allowed' },
  /** Missing, wrong or revoked credentials (the operator token, or an agent's X-User-Id + X-Auth-Token): 401. */
  unauthorized: { code: 'unauthorized', error: 'unauthorized' },
  /** Valid credentials that may not do this (an agent on an operator endpoint, or acting for another agent): 403, as the reference's `API.v1.unauthorized()`. */
  forbidden: { code: 'forbidden', error: 'unauthorized' },
  invalidUser: {
    code: 'error-invalid-user',
    error: 'The required "userId" or "username" param provided does not match any users [error-invalid-user]',
    errorType: 'error-invalid-user',
  },
  userParamNotProvided: {
    code: 'error-user-param-not-provided',
    error: 'The required "userId" or "username" param was not provided [error-user-param-not-provided]',
    errorType: 'error-user-param-not-provided',
  },
  /** `livechat/agent.info`: the visitor's room has no serving agent (the reference's plain `Error('invalid-agent')`). */
  noServingAgent: { code: 'invalid-agent', error: 'invalid-agent' },
  /** `room.closeByUser` (the reference's closeLivechatRoom): no such room; not a room the agent serves; closed already. */
  closeInvalidRoom: { code: 'error-invalid-room', error: 'error-invalid-room' },
  closeNotAuthorized: { code: 'error-not-authorized', error: 'error-not-authorized' },
  roomAlreadyClosed: { code: 'error-room-already-closed', error: 'error-room-already-closed' },
  /** `chat.syncMessages` query errors, as the reference words them (its Meteor errors' messages). */
  roomIdParamNotProvided: { code: 'error-roomId-param-not-provided', error: 'The required "roomId" query param is missing. [error-roomId-param-not-provided]' },
  lastUpdateParamNotProvided: {
    code: 'error-lastUpdate-param-not-provided',
    error: 'The required "lastUpdate" query param is missing. [error-lastUpdate-param-not-provided]',
  },
  lastUpdateInvalid: { code: 'error-roomId-param-invalid', error: 'The "lastUpdate" query parameter must be a valid date. [error-roomId-param-invalid]' },
  serviceUnavailable: { code: 'service-unavailable', error: 'service-unavailable' },
  timeout: { code: 'timeout', error: 'timeout' },
} as const satisfies Record<string, DomainError>;

/** An unexpected failure in a service: the client sees only its id (`internal-error (<id>)`). */
export const INTERNAL_ERROR_CODE = 'internal';

/** Every code a service may answer: one typed union, from ERRORS. */
export type ErrorCode = (typeof ERRORS)[keyof typeof ERRORS]['code'] | typeof INTERNAL_ERROR_CODE;

/** The HTTP status of each error code: exhaustive by type, so a new code cannot ship without its status. */
export const ERROR_STATUS = {
  'invalid-token': 400,
  'error-invalid-token': 400,
  'error-invalid-department': 400,
  'invalid-room': 400,
  'room-closed': 400,
  'no-agent-online': 400,
  'error-omnichannel-is-disabled': 400,
  'agent-not-found': 404,
  'invalid-agent': 400,
  'duplicated-department-name': 400,
  'invalid-setting': 400,
  'invalid-inquiry': 400,
  'max-chats-reached': 400,
  'empty-message': 400,
  'message-length-exceeds-character-limit': 400,
  'invalid-message-id': 400,
  'invalid-message': 400,
  'error-token-param-not-provided': 400,
  'error-not-allowed': 403,
  unauthorized: 401,
  forbidden: 403,
  'error-invalid-user': 400,
  'error-user-param-not-provided': 400,
  'error-invalid-room': 400,
  'error-not-authorized': 400,
  'error-room-already-closed': 400,
  'error-roomId-param-not-provided': 400,
  'error-lastUpdate-param-not-provided': 400,
  'error-roomId-param-invalid': 400,
  'service-unavailable': 503,
  timeout: 504,
  [INTERNAL_ERROR_CODE]: 500,
} as const satisfies Record<ErrorCode, number>;

/** Whether a code is one of ours (a newer peer may answer one this build does not know). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}

export function isDomainError(value: unknown): value is DomainError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as DomainError).code === 'string' &&
    typeof (value as DomainError).error === 'string'
  );
}
