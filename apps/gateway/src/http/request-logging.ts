import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { httpRequestId, runInRequest } from '@livechat/common';

type RawRequest = IncomingMessage & { id?: unknown };

/**
 * Answers the request's id as the `X-Request-Id` response header and handles the request in its
 * request context, so that every NATS request it makes carries the id. The id is Fastify's own
 * request id (`genReqId: httpRequestId`: the caller's sane `X-Request-Id`, else a new UUID), which
 * middie hands to middleware as `req.id`.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(req: RawRequest, res: ServerResponse, next: () => void): void {
    const requestId = typeof req.id === 'string' ? req.id : httpRequestId(req);
    res.setHeader('X-Request-Id', requestId);
    runInRequest(requestId, next);
  }
}

const VISITOR_PATH = '/api/v1/livechat/visitor/';
const REDACTED = '***';

/**
 * The URL as the access log shows it: a visitor token is a credential (SPEC: the visitor's only
 * one), so it is replaced wherever the API takes it, in the path (`visitor/:token`) and in the
 * query (`?token=`). The path is logged decoded, as it was routed.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  let path = decodeOrKeep(q === -1 ? url : url.slice(0, q));
  if (path.startsWith(VISITOR_PATH) && path.length > VISITOR_PATH.length) path = VISITOR_PATH + REDACTED;
  if (q === -1) return path;
  const query = new URLSearchParams(url.slice(q + 1));
  for (const key of new Set(query.keys())) if (key.toLowerCase() === 'token') query.set(key, REDACTED);
  const rest = query.toString();
  return rest === '' ? path : `${path}?${rest}`;
}

function decodeOrKeep(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
