import { hostname } from 'node:os';
import type { DynamicModule } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import { pino, stdTimeFunctions, type LevelWithSilent, type Logger, type LoggerOptions } from 'pino';
import { currentRequestId } from './request-context.js';

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
   * context): the HTTP request in the gateway, the NATS request or consumed event in rooms and
   * routing.
   */
  stampRequestId?: boolean;
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

/** Log lines are written out when this many bytes are buffered, or every FLUSH_MS. */
const LOG_BUFFER_BYTES = 4096;
const LOG_FLUSH_MS = 100;

/**
 * The service's one pino logger: Nest's logger and every `Logger` write through it (nestjs-pino),
 * and so does the access log. JSON lines go to stdout through an asynchronous, buffered
 * destination: lines are written out in one write once 4 KiB are buffered, or 100 ms after they
 * were logged, whichever comes first (a line costs no system call of its own), and whatever is
 * buffered is written out when the process exits. A process killed with SIGKILL loses at most its
 * last 100 ms of lines.
 */
export function createServiceLogger(options: LoggingOptions): Logger {
  const config = loggerOptions(options);
  if (options.format === 'pretty') return pino(config);
  return pino(config, pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES, periodicFlush: LOG_FLUSH_MS }));
}

/**
 * The access log: one line per HTTP request when its response is sent (`request completed`, at
 * `accessLogLevel`, 5xx at warn, probe paths at debug), with the request id, the method, the URL as
 * `redactUrl` shows it, the status and the response time in ms. A Fastify response hook writing one
 * line with the service's logger, with no per-request logger or middleware. Headers are not logged
 * (they carry the operator token).
 */
export function useAccessLog(
  fastify: FastifyInstance,
  logger: Logger,
  options: { accessLogLevel: LevelWithSilent; probePaths?: readonly string[]; redactUrl?: (url: string) => string },
): void {
  const probePaths = options.probePaths ?? [];
  const redact = options.redactUrl ?? ((url: string) => url);
  const isProbe = (url: string) => probePaths.some((path) => url.startsWith(path));
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const level = isProbe(request.url) ? 'debug' : status >= 500 ? 'warn' : options.accessLogLevel;
    if (level !== 'silent' && logger.isLevelEnabled(level)) {
      logger[level](
        {
          requestId: request.id,
          req: { method: request.method, url: redact(request.url) },
          res: { statusCode: status },
          responseTime: Math.round(reply.elapsedTime),
        },
        'request completed',
      );
    }
    done();
  });
}

/**
 * nestjs-pino, set up for a service: Nest's logger (`app.useLogger(app.get(Logger))`, with
 * `bufferLogs`) and every `new Logger(context)` write through `logger`. No HTTP middleware: the
 * access log is `useAccessLog`'s.
 */
export function loggingModule(logger: Logger): DynamicModule {
  return LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] });
}
