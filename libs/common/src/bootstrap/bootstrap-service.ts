import { Logger, type DynamicModule, type INestApplicationContext, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { ConfigError } from '../config/load-config.js';
import { DrainingNatsServer } from '../nats/draining-nats.server.js';
import { natsConnectionOptions } from '../nats/nats-options.js';
import { RpcErrorFilter } from '../rpc/rpc-error.filter.js';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function logLevels(level: LogLevel): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

/** Prints a configuration error as a list and exits non-zero; rethrows anything else. */
export function exitOnStartupError(service: string, err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${service}: ${err.message}\n`);
  } else {
    process.stderr.write(`${service}: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
}

/**
 * SPEC §9.7: on SIGTERM (or SIGINT) close the application, which finishes the requests in hand,
 * then stops consumers and relays, drains NATS and closes the database, and exit 0; exit 1 if that
 * has not happened within `timeoutMs`. (Nest's enableShutdownHooks would end by re-raising the
 * signal, so the exit status would not say the shutdown went well.)
 */
export function exitGracefullyOnSignals(app: INestApplicationContext, name: string, timeoutMs = 20_000): void {
  const logger = new Logger(name);
  const stop = (signal: NodeJS.Signals) => {
    logger.log(`${signal}: shutting down`);
    setTimeout(() => {
      logger.error(`shutdown did not finish within ${timeoutMs} ms`);
      process.exit(1);
    }, timeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error(`shutdown failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/**
 * Starts a NATS request/reply service (rooms, routing): the module's onModuleInit hooks (migrations)
 * run before the server subscribes, and SIGTERM/SIGINT close the server, then the rest.
 */
export async function bootstrapMicroservice(options: {
  name: string;
  module: Type<unknown> | DynamicModule;
  natsUrl: string;
  queue: string;
  logLevel: LogLevel;
}): Promise<void> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(options.module, {
    strategy: new DrainingNatsServer({ ...natsConnectionOptions(options.natsUrl, options.name), queue: options.queue }),
    logger: logLevels(options.logLevel),
  });
  app.useGlobalFilters(new RpcErrorFilter());
  exitGracefullyOnSignals(app, options.name);
  await app.listen();
  new Logger(options.name).log(`listening on NATS queue group "${options.queue}"`);
}
