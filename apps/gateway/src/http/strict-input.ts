import type { Socket } from 'node:net';
import { BadRequestException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LIMITS } from '@livechat/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Input that cannot be read as the text it claims to be is refused at the edge, before guards and
 * DTOs (docs/api.md#malformed-requests, docs/guarantees.md#6-bad-input-changes-nothing: bad input is a 400 in the envelope and writes nothing). Left to Fastify and
 * the services, each of these was a 500 or a silently altered value:
 * - a JSON body that is not UTF-8: Fastify decodes it leniently and U+FFFD would be stored;
 * - a NUL character or a lone UTF-16 surrogate in a string, a key, the path or the query:
 *   PostgreSQL text cannot hold either (the insert fails, or the surrogate becomes U+FFFD);
 * - nesting deeper than MAX_DEPTH: class-transformer recurses and overflows the stack;
 * - invalid percent-encoding in the query (Fastify keeps the raw text as the value);
 * - a body that is not JSON: only application/json is parsed, anything else is 415 → 400.
 * The router's own refusals (bad percent-encoding in the path, an over-long path parameter) and
 * unreadable HTTP (headers over Node's limit) get the envelope too.
 */

/** Deep enough for every DTO (the deepest, a visitor's custom field, is 4 levels). */
export const MAX_DEPTH = 32;

/** NUL, or a surrogate that is not half of a pair: no UTF-8 text, and no PostgreSQL text, holds them. */
export const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Why a parsed JSON value cannot be accepted, or null. Iterative, so depth cannot overflow the stack. */
export function jsonProblem(root: unknown): string | null {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return 'strings must not contain NUL characters or lone surrogates';
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_DEPTH) return `the body is nested more than ${MAX_DEPTH} levels deep`;
      for (const [key, item] of Object.entries(value)) {
        if (UNSTORABLE.test(key)) return 'keys must not contain NUL characters or lone surrogates';
        stack.push([item, depth + 1]);
      }
    }
  }
  return null;
}

/** Why a request URL (path and query, as sent) cannot be accepted, or null. */
export function urlProblem(url: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    return 'the URL has an invalid percent-encoding';
  }
  return UNSTORABLE.test(decoded) ? 'the URL must not contain NUL characters' : null;
}

/** Answers the envelope straight from the router and the HTTP parser, where no Nest filter runs. */
export const strictServerOptions = {
  frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
    if (error.code === 'FST_ERR_BAD_URL') {
      void reply.code(400).send({ success: false, error: 'the URL has an invalid percent-encoding' });
    } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      void reply.code(400).send({ success: false, error: 'a path parameter is too long' });
    } else {
      void reply.send(error);
    }
  },
  clientErrorHandler: (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, message] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['408 Request Timeout', 'timeout']
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? ['400 Bad Request', 'the request line and headers are too large']
          : ['400 Bad Request', 'malformed HTTP request'];
    const body = JSON.stringify({ success: false, error: message });
    if (socket.writable) {
      socket.write(`HTTP/1.1 ${status}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
    }
    socket.destroy(error);
  },
};

/**
 * What the gateway reads and throws away of a body it refused before reading all of it (over
 * LIMITS.bodyBytes, or not JSON): at most this many bytes, for at most this long.
 */
export const UNREAD_BODY_BOUND = { bytes: 64 * 1024 * 1024, ms: 30_000 } as const;

/**
 * Keeps the connection of a refused request open while its client is still sending the body, reading
 * and discarding the rest, so that the client gets to read the answer (docs/api.md#conventions: an
 * ordinary HTTP client that is still sending receives the 400). Left alone, the connection is closed
 * once the answer is written: Fastify marks such an answer `Connection: close`, and Node closes the
 * connection of a client that sent `Connection: close` itself (Node's http.request without an agent). The client's
 * next write then meets a closed socket, and the reset it gets back (EPIPE, ECONNRESET) may discard
 * the answer before it is read. So the answer goes out without `Connection: close` and Node keeps
 * the socket; once the body has been read, the connection is closed if the client asked for that.
 * Past UNREAD_BODY_BOUND the socket is closed at once. Does nothing to a request read whole.
 */
export function discardUnreadBody(request: FastifyRequest, reply: FastifyReply): void {
  const raw = request.raw;
  if (raw.complete || raw.destroyed) return;
  reply.removeHeader('connection'); // Fastify's
  reply.raw.removeHeader('connection'); // and Node's: the answer says nothing of the connection
  reply.raw.shouldKeepAlive = true;
  const socket = raw.socket;
  const clientCloses = /\bclose\b/i.test(raw.headers.connection ?? '');
  let discarded = 0;
  const timer = setTimeout(() => socket.destroy(), UNREAD_BODY_BOUND.ms);
  timer.unref();
  const stop = () => clearTimeout(timer);
  raw.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > UNREAD_BODY_BOUND.bytes) socket.destroy();
  });
  raw.once('end', () => {
    stop();
    if (!clientCloses) return;
    if (reply.raw.writableFinished) socket.end();
    else reply.raw.once('finish', () => socket.end());
  });
  raw.once('close', stop);
  raw.resume();
}

/** Only JSON bodies, strictly UTF-8 and storable; URLs that decode. Call before `listen`. */
export function useStrictInput(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  // Fastify's own parser for what it does well: empty bodies, syntax, __proto__ and constructor poisoning.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit: LIMITS.bodyBytes }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      done(new BadRequestException('the body is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request as FastifyRequest, text, (error, parsed) => {
      if (error) return done(error, undefined);
      const problem = jsonProblem(parsed);
      done(problem ? new BadRequestException(problem) : null, problem ? undefined : parsed);
    });
  });
  fastify.addHook('onRequest', (request, _reply, done) => {
    const problem = urlProblem(request.url);
    done(problem ? new BadRequestException(problem) : undefined);
  });
}
