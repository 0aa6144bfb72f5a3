import { Logger, type DynamicModule, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { ConfigError } from '../config/load-config.js';
import { natsServerOptions } from '../nats/nats-options.js';
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
    ...natsServerOptions(options.natsUrl, options.name, options.queue),
    logger: logLevels(options.logLevel),
  });
  app.useGlobalFilters(new RpcErrorFilter());
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen();
  new Logger(options.name).log(`listening on NATS queue group "${options.queue}"`);
}
