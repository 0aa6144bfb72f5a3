import { Catch, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { isDomainError, type DomainError } from '@livechat/contracts';
import { throwError, type Observable } from 'rxjs';
import { randomId } from '../ids.js';

/**
 * The edge of every RPC handler: a domain error goes back to the caller as it is; anything else is
 * logged once with an id, and the caller gets only that id (no stack, no SQL).
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Rpc');

  catch(exception: unknown, host: ArgumentsHost): Observable<DomainError> {
    const error = exception instanceof RpcException ? exception.getError() : undefined;
    if (isDomainError(error)) return throwError(() => error);
    const errorId = randomId();
    const subject = host.switchToRpc().getContext<{ getSubject?: () => string }>()?.getSubject?.();
    this.logger.error(
      `unexpected error ${errorId} on ${subject ?? 'unknown subject'}: ${exception instanceof Error ? exception.stack : String(exception)}`,
    );
    return throwError(() => ({ code: 'internal', error: `internal-error (${errorId})` }) satisfies DomainError);
  }
}
