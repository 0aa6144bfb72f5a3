import { RpcException } from '@nestjs/microservices';
import { errors, type NatsConnection } from '@nats-io/transport-node';
import { ERRORS, isDomainError } from '@livechat/contracts';
import { randomId } from '../ids.js';
import { currentRequestId, requestIdHeaders } from '../logging/request-context.js';

/** What Nest's NATS server answers: the handler's result, or its error (a DomainError from RpcErrorFilter). */
interface NestReply<T> {
  response?: T;
  err?: unknown;
}

/**
 * One NATS request with a deadline, to a Nest message handler (`@MessagePattern(subject)`), in Nest's
 * wire format (`{pattern, data, id}` out, `{id, response | err}` back). It goes through the
 * connection's shared reply subscription: Nest's own ClientNats subscribes and unsubscribes a reply
 * inbox for every request, three protocol messages and a server-side subscription change each time.
 *
 * The request being handled (if any) travels with it as the `x-request-id` header.
 *
 * Failures come back as an RpcException carrying a DomainError: the callee's own domain error,
 * `timeout` when the deadline passed, `service-unavailable` when nobody answers the subject or NATS
 * is unreachable.
 */
export async function rpcRequest<T>(nc: NatsConnection | null, subject: string, payload: unknown, deadlineMs: number): Promise<T> {
  if (!nc || nc.isClosed()) throw new RpcException(ERRORS.serviceUnavailable);
  let reply: NestReply<T>;
  try {
    const data = JSON.stringify({ pattern: subject, data: payload, id: randomId() });
    const msg = await nc.request(subject, data, { timeout: deadlineMs, headers: requestIdHeaders(currentRequestId()) });
    reply = msg.json<NestReply<T>>();
  } catch (err) {
    throw new RpcException(isTimeout(err) ? ERRORS.timeout : ERRORS.serviceUnavailable);
  }
  if (reply.err !== undefined) throw new RpcException(isDomainError(reply.err) ? reply.err : ERRORS.serviceUnavailable);
  return reply.response as T;
}

function isTimeout(err: unknown): boolean {
  if (err instanceof errors.TimeoutError) return true;
  return err instanceof errors.RequestError && err.cause instanceof errors.TimeoutError;
}
