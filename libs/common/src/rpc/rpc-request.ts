import { ClientProxy, RpcException } from '@nestjs/microservices';
import { ERRORS, isDomainError } from '@livechat/contracts';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';

/**
 * One NATS request with a deadline. Failures come back as an RpcException carrying a DomainError:
 * the callee's own domain error, `timeout` when the deadline passed, `service-unavailable` when
 * nobody answers the subject or NATS is unreachable.
 */
export async function rpcRequest<T>(client: ClientProxy, subject: string, payload: unknown, deadlineMs: number): Promise<T> {
  try {
    return await firstValueFrom(client.send<T>(subject, payload).pipe(timeout(deadlineMs)));
  } catch (err) {
    throw new RpcException(toDomainError(err));
  }
}

function toDomainError(err: unknown) {
  if (isDomainError(err)) return err;
  if (err instanceof TimeoutError) return ERRORS.timeout;
  // No responders (NATS answers an empty 503 message), connection lost or not connected.
  return ERRORS.serviceUnavailable;
}
