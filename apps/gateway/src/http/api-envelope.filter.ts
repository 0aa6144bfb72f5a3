import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERROR_STATUS, INTERNAL_ERROR_CODE, isDomainError, isErrorCode } from '@livechat/contracts';
import { randomId } from '@livechat/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { discardUnreadBody } from './strict-input.js';

interface Failure {
  status: number;
  body: { success: false; error: string; errorType?: string };
}

/**
 * The one place where failures become HTTP (docs/api.md#malformed-requests): domain errors by code, transport failures
 * as 503/504, malformed requests as 400, unknown routes as 404. Anything unexpected is logged
 * once with an id, and the client sees only that id.
 */
@Catch()
export class ApiEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body } = this.toFailure(exception);
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    // A body refused before it was all read (too large, not JSON): its client may still be sending.
    discardUnreadBody(http.getRequest<FastifyRequest>(), reply);
    void reply.status(status).send(body);
  }

  private toFailure(exception: unknown): Failure {
    if (exception instanceof RpcException) {
      const error = exception.getError();
      if (isDomainError(error) && error.code !== INTERNAL_ERROR_CODE) {
        const body: Failure['body'] = { success: false, error: error.error };
        if ('errorType' in error && error.errorType) body.errorType = error.errorType;
        return { status: isErrorCode(error.code) ? ERROR_STATUS[error.code] : HttpStatus.BAD_REQUEST, body };
      }
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status: status < 500 ? clientStatus(status) : status, body: { success: false, error: messageOf(exception) } };
    }
    // Fastify's own request errors (bad JSON, body too large, wrong content type) carry a 4xx statusCode.
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { status: clientStatus(fastifyStatus), body: { success: false, error: (exception as Error).message } };
    }
    const errorId = randomId();
    this.logger.error(`unexpected error ${errorId}: ${exception instanceof Error ? exception.stack : JSON.stringify(exception)}`);
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { success: false, error: `internal-error (${errorId})` } };
  }
}

/** docs/api.md#errors-and-statuses: every malformed request is a 400; only 401, 404 and 405 keep their own status. */
function clientStatus(status: number): number {
  return [401, 404, 405].includes(status) ? status : HttpStatus.BAD_REQUEST;
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
