import { ClientProxy, NatsRecordBuilder, RpcException } from '@nestjs/microservices';
import { headers } from '@nats-io/transport-node';
import { ERRORS, isDomainError } from '@livechat/contracts';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { currentRequestId, outsideRequest, REQUEST_ID_HEADER } from '../logging/request-context.js';

/**
 * One NATS request with a deadline. Failures come back as an RpcException carrying a DomainError:
 * the callee's own domain error, `timeout` when the deadline passed, `service-unavailable` when
 * nobody answers the subject or NATS is unreachable.
 *
 * The request being handled (if any) travels with it as the `x-request-id` header. The request
 * itself is sent outside the caller's request context: the client connects on first use, and what
 * it starts then (its connection's status loop) must not carry that first request's id for ever.
 */
export async function rpcRequest<T>(client: ClientProxy, subject: string, payload: unknown, deadlineMs: number): Promise<T> {
  const message = withRequestId(payload, currentRequestId());
  try {
    return await outsideRequest(() => firstValueFrom(client.send<T>(subject, message).pipe(timeout(deadlineMs))));
  } catch (err) {
    throw new RpcException(toDomainError(err));
  }
}

/** The payload as a NATS record with the request id header, or as it is outside a request. */
export function withRequestId(payload: unknown, requestId: string | undefined): unknown {
  if (requestId === undefined) return payload;
  const h = headers();
  h.set(REQUEST_ID_HEADER, requestId);
  return new NatsRecordBuilder(payload).setHeaders(h).build();
}

function toDomainError(err: unknown) {
  if (isDomainError(err)) return err;
  if (err instanceof TimeoutError) return ERRORS.timeout;
  // No responders (NATS answers an empty 503 message), connection lost or not connected.
  return ERRORS.serviceUnavailable;
}
