import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { JSON_CONTENT_TYPE, JsonBody } from './json-body.js';

const RAW_REPLY = 'livechat:raw-reply';

/**
 * On a handler or a controller: what it returns is the HTTP body as it is, without the success
 * envelope (health probes, which answer Terminus's shape; the hot path, which sends a service's
 * bytes itself).
 */
export const RawReply = (): ClassDecorator & MethodDecorator => SetMetadata(RAW_REPLY, true);

/**
 * docs/api.md#conventions: a success is the result object with `"success": true` added. A JsonBody (a service's
 * reply passed through, already enveloped) is sent as its bytes, as JSON. Registered once for every
 * handler (APP_INTERCEPTOR); a RawReply handler, and a text body (the Prometheus scrape of
 * MetricsModule), pass as they are.
 */
@Injectable()
export class SuccessEnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler<unknown>): Observable<unknown> {
    if (this.reflector.getAllAndOverride<boolean>(RAW_REPLY, [context.getHandler(), context.getClass()])) return next.handle();
    return next.handle().pipe(
      map((result) => {
        if (typeof result === 'string') return result;
        if (!(result instanceof JsonBody)) return { ...(result as object), success: true };
        void context.switchToHttp().getResponse<FastifyReply>().type(JSON_CONTENT_TYPE);
        return result.bytes;
      }),
    );
  }
}
