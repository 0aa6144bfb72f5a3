import { runInRequest } from '@livechat/common';
import type { FastifyInstance } from 'fastify';

/**
 * Answers each request's id as the `X-Request-Id` response header (from the first hook on, so
 * refusals carry it too) and handles the request in its request context, so that every line logged
 * and every NATS request made while handling it carry the id. The id is Fastify's own request id
 * (`genReqId: httpRequestId`: the caller's sane `X-Request-Id`, else a new UUID). The context is
 * entered just before the handler, once the body has been read.
 */
export function useRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    runInRequest(request.id, done);
  });
}

const VISITOR_PATH = '/api/v1/livechat/visitor/';
const REDACTED = '***';

/**
 * The URL as the access log shows it: a visitor token is a credential (docs/api.md: the visitor's only
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
