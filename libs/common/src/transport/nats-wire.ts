import { headers, type Msg, type MsgHdrs } from '@nats-io/transport-node';
import { ERRORS, INTERNAL_ERROR_CODE, isDomainError, type DomainError } from '@livechat/contracts';
import { REQUEST_ID_HEADER } from '../logging/request-context.js';

/**
 * The wire format of the services' NATS request/reply (internal: every service changes with it;
 * docs/architecture.md#wire-format documents it):
 *
 * - request: subject = the command (`rooms.get-or-open`…), sent to the service's queue group; body =
 *   the command as UTF-8 JSON (empty body = no payload); header `x-request-id` when the caller
 *   handles a request.
 * - success reply: body = the result as UTF-8 JSON, no header. It is the bytes the handler's result
 *   was serialized to, once: the gateway may pass them through to HTTP without parsing them.
 * - failure reply: header `livechat-error: <code>` (a DomainError code from ERRORS, or `internal`);
 *   body = the DomainError as JSON (`{code, error, errorType?}`).
 *
 * NATS itself answers a request nobody subscribes to with a 503 status (no responders): the caller
 * maps that to `service-unavailable` at once, and its deadline to `timeout`.
 */
export const ERROR_HEADER = 'livechat-error';

/** Headers carrying a failure's code. */
export function errorHeaders(code: string): MsgHdrs {
  const h = headers();
  h.set(ERROR_HEADER, code);
  return h;
}

/** The DomainError a reply carries, or undefined for a success. */
export function replyError(msg: Msg): DomainError | undefined {
  const code = msg.headers?.get(ERROR_HEADER);
  if (!code) return undefined;
  try {
    const error = msg.json<unknown>();
    if (isDomainError(error)) return error;
  } catch {
    // fall through: an unreadable failure is still a failure
  }
  return code === INTERNAL_ERROR_CODE ? { code: INTERNAL_ERROR_CODE, error: 'internal-error' } : ERRORS.serviceUnavailable;
}

/** The request id a request carries, if any. */
export function requestIdOf(msg: Msg): string | undefined {
  return msg.headers?.get(REQUEST_ID_HEADER) || undefined;
}
