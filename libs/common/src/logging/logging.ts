import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { RequestMethod, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions, type LevelWithSilent, type LoggerOptions } from 'pino';
import type { Options as HttpLoggerOptions } from 'pino-http';
import { currentRequestId, httpRequestId } from './request-context.js';

/** LOG_LEVEL: Nest's names (`log`, `verbose`) and pino's (`info`, `trace`, `silent`) alike. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'info', 'debug', 'verbose', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** LOG_FORMAT: one JSON object a line (production), or pino-pretty's coloured lines (development). */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Nest's `log` is pino's `info`, Nest's `verbose` pino's `trace`; the rest are the same word. */
export function pinoLevel(level: LogLevelName): LevelWithSilent {
  if (level === 'log') return 'info';
  if (level === 'verbose') return 'trace';
  return level;
}

export interface LoggingOptions {
  service: string;
  level: LogLevelName;
  format: LogFormat;
  /**
   * Stamp every line with the `requestId` of the request being handled (the async request
   * context): for rooms and routing, whose requests and events arrive over NATS. The gateway's
   * request lines carry it from pino-http instead.
   */
  stampRequestId?: boolean;
  /** Level of the one line per HTTP request (`request completed`); 5xx answers are logged at warn. */
  accessLogLevel: LevelWithSilent;
  /** Paths (prefixes) polled by machines, health checks and scrapes: their lines are at debug whatever the answer. */
  probePaths?: readonly string[];
  /** More pino-http options for the service's HTTP side, over `httpLogOptions()`'s. */
  http?: HttpLoggerOptions;
}

/** The pino options every service shares: level, format, and `service` on every line. */
export function loggerOptions(options: LoggingOptions): LoggerOptions {
  const common: LoggerOptions = {
    level: pinoLevel(options.level),
    base: { service: options.service, pid: process.pid, hostname: hostname() },
  };
  if (options.stampRequestId) {
    common.mixin = () => {
      const requestId = currentRequestId();
      // A new object each time: pino merges the line's own fields into it.
      return requestId === undefined ? {} : { requestId };
    };
  }
  if (options.format === 'pretty') {
    return {
      ...common,
      transport: {
        target: 'pino-pretty',
        options: {
          translateTime: 'SYS:HH:MM:ss.l',
          // One line each, the access line too: `INFO: [<request id>] request completed GET /api/… 200 12 ms`.
          ignore: 'pid,hostname,service,context,requestId,req,res,responseTime',
          messageFormat:
            '{if context}{context} {end}{if requestId}[{requestId}] {end}{msg}{if req.method} {req.method} {req.url} {res.statusCode} {responseTime} ms{end}',
        },
      },
    };
  }
  return { ...common, timestamp: stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } };
}

/**
 * pino-http for a service's HTTP side: the caller's sane `X-Request-Id`, or a new one, bound to
 * the request's log lines as `requestId`; one line when the response is sent (`request completed`,
 * at `accessLevel`, 5xx at warn, probes at debug) with the method, URL, status and response time.
 * Headers are not logged (they carry the operator token).
 */
export function httpLogOptions(accessLevel: LevelWithSilent, probePaths: readonly string[] = []): HttpLoggerOptions {
  const isProbe = (url: string | undefined) => url !== undefined && probePaths.some((path) => url.startsWith(path));
  return {
    // Fastify's request id (`genReqId: httpRequestId` on the adapter), which middie passes on as req.id.
    genReqId: (req) => httpRequestId(req),
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    customLogLevel: (req, res, err) => (isProbe(req.url) ? 'debug' : err || res.statusCode >= 500 ? 'warn' : accessLevel),
    // A 5xx is the same access line at warn; the error itself, if any, was logged where it was caught.
    customErrorMessage: () => 'request completed',
    customErrorObject: (_req, _res, _err, value: { res?: unknown; responseTime?: number }) => ({ res: value.res, responseTime: value.responseTime }),
    serializers: {
      req: (req: IncomingMessage) => ({ method: req.method, url: req.url }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
  };
}

/** A middleware route that matches every path, on Fastify (@fastify/middie) as on Express. */
export const EVERY_ROUTE = { path: '/{*path}', method: RequestMethod.ALL };

/**
 * nestjs-pino, set up for a service: Nest's logger (`app.useLogger(app.get(Logger))`, with
 * `bufferLogs`) and every `new Logger(context)` write through one pino logger.
 */
export function loggingModule(options: LoggingOptions): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: { ...loggerOptions(options), ...httpLogOptions(options.accessLogLevel, options.probePaths), ...options.http },
    // Every route. (nestjs-pino's default, `{/*splat}`, gets a leading slash from @fastify/middie
    // and then matches only `/`.)
    forRoutes: [EVERY_ROUTE],
  });
}
