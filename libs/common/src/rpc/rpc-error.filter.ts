import { Catch, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, INTERNAL_ERROR_CODE, isDomainError, type DomainError } from '@livechat/contracts';
import { throwError, type Observable } from 'rxjs';
import { randomId } from '../ids.js';
import { isTransientError } from './transient-error.js';

/**
 * The edge of every RPC handler: a domain error goes back to the caller as it is; anything else is
 * logged once with an id, and the caller gets only that id (no stack, no SQL). Registered once as
 * the application's filter (APP_FILTER): on the HTTP side of a service (health, metrics) it leaves
 * errors to Nest's own handling.
 */
@Catch()
export class RpcErrorFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Rpc');

  override catch(exception: unknown, host: ArgumentsHost): Observable<DomainError> | void {
    if (host.getType() !== 'rpc') return super.catch(exception, host);
    return this.rpcError(exception, host);
  }

  private rpcError(exception: unknown, host: ArgumentsHost): Observable<DomainError> {
    const error = exception instanceof RpcException ? exception.getError() : undefined;
    if (isDomainError(error)) return throwError(() => error);
    const subjectOf = () => host.switchToRpc().getContext<{ getSubject?: () => string }>()?.getSubject?.();
    if (isTransientError(exception)) {
      // The database (or NATS) is away: the caller answers 503 and may try again.
      this.logger.warn(`dependency unavailable on ${subjectOf() ?? 'unknown subject'}: ${String((exception as Error)?.message ?? exception)}`);
      return throwError(() => ERRORS.serviceUnavailable);
    }
    const errorId = randomId();
    this.logger.error(
      `unexpected error ${errorId} on ${subjectOf() ?? 'unknown subject'}: ${exception instanceof Error ? exception.stack : String(exception)}`,
    );
    return throwError(() => ({ code: INTERNAL_ERROR_CODE, error: `internal-error (${errorId})` }) satisfies DomainError);
  }
}
