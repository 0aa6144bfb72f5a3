import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { JSON_CONTENT_TYPE, JsonBody } from './json-body.js';

/**
 * SPEC §2: a success is the result object with `"success": true` added. A JsonBody (a service's
 * reply passed through, already enveloped) is sent as its bytes, as JSON.
 */
@Injectable()
export class SuccessEnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<object>): Observable<object> {
    return next.handle().pipe(
      map((result) => {
        if (!(result instanceof JsonBody)) return { ...result, success: true };
        void context.switchToHttp().getResponse<FastifyReply>().type(JSON_CONTENT_TYPE);
        return result.bytes;
      }),
    );
  }
}
