import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { headers, type MsgHdrs } from '@nats-io/transport-node';

/** The header that carries a request's id: on HTTP (in and out), on NATS requests and on JetStream events. */
export const REQUEST_ID_HEADER = 'x-request-id';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What a caller may choose as a request id: 1 to 128 characters of `A-Z a-z 0-9 . _ : -`. */
export function isSaneRequestId(value: unknown): value is string {
  return typeof value === 'string' && SANE_REQUEST_ID.test(value);
}

/** The caller's id when it is sane, otherwise a new one. */
export function acceptOrCreateRequestId(value: unknown): string {
  return isSaneRequestId(value) ? value : randomUUID();
}

/** An HTTP request's id (Fastify's `genReqId`): its sane `X-Request-Id`, or a new one. */
export function httpRequestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  return acceptOrCreateRequestId(req.headers[REQUEST_ID_HEADER]);
}

/** NATS headers carrying a request id (on a request or an event), or none outside a request. */
export function requestIdHeaders(requestId: string | undefined | null): MsgHdrs | undefined {
  if (requestId === undefined || requestId === null) return undefined;
  const h = headers();
  h.set(REQUEST_ID_HEADER, requestId);
  return h;
}

interface RequestContext {
  readonly requestId: string;
}

/**
 * The request being handled, across every await of its handling: the gateway enters it for each
 * HTTP request, rooms and routing for each NATS request and each consumed event that carries an id.
 * The logger stamps every line written inside it with `requestId`; `rpcRequest` and the outbox pass
 * the id on.
 */
const requestContext = new AsyncLocalStorage<RequestContext>();

/** The id of the request being handled, if any. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** Runs `fn` as part of the request `requestId`; without an id, outside any request. */
export function runInRequest<T>(requestId: string | undefined, fn: () => T): T {
  return requestId === undefined ? requestContext.exit(fn) : requestContext.run({ requestId }, fn);
}

/**
 * Runs `fn` outside any request. For work a request only sets off and that outlives it or serves
 * others too (the outbox relay, the queue dispatcher, a lazily opened connection): started inside
 * the request, it would carry that request's id for ever.
 */
export function outsideRequest<T>(fn: () => T): T {
  return requestContext.exit(fn);
}
