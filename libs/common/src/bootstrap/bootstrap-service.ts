import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type INestApplicationContext,
  type OnModuleDestroy,
  type Type,
} from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { ConfigError } from '../config/load-config.js';
import { ServiceHealthModule } from '../health/service-health.module.js';
import { createServiceLogger, loggingModule, pinoLevel, useAccessLog, type LogFormat, type LogLevelName } from '../logging/logging.js';
import { httpRequestId } from '../logging/request-context.js';
import { Metrics } from '../metrics/metrics.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RpcErrorFilter } from '../rpc/rpc-error.filter.js';
import { NatsTransportServer } from '../transport/nats-transport.server.js';

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
 * docs/guarantees.md#7-graceful-shutdown: on SIGTERM (or SIGINT) close the application, which finishes the requests in hand,
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

/** Closes the NATS server before anything else shuts down (see bootstrapMicroservice). */
@Injectable()
class NatsServerCloser implements OnModuleDestroy {
  constructor(@Inject(NatsTransportServer) private readonly server: NatsTransportServer) {}

  onModuleDestroy(): Promise<void> {
    return this.server.close();
  }
}

@Module({})
class ServiceRootModule {}

export interface MicroserviceBootstrapOptions {
  name: string;
  module: Type<unknown> | DynamicModule;
  natsUrl: string;
  queue: string;
  logging: { level: LogLevelName; format: LogFormat };
  /** The small HTTP listener for health and metrics; port 0 takes a free port. */
  http: { host: string; port: number };
  metricsEnabled: boolean;
  /** The JetStream durable consumers the service reads from, for readiness. */
  consumers: readonly { stream: string; durable: string }[];
}

/**
 * Starts a NATS request/reply service (rooms, routing) as a hybrid Nest application: the NATS
 * server in the queue group, and a small HTTP listener for `/health/live`, `/health/ready` and
 * `/metrics`. Logs are pino's (structured JSON by default), each line written while handling a
 * NATS request or a consumed event stamped with its `requestId`. The module's onModuleInit hooks (migrations) and onApplicationBootstrap hooks
 * (consumers, relays) run before the server subscribes; "listening on" is logged once both the
 * NATS server and the HTTP listener are up.
 *
 * SIGTERM/SIGINT keep docs/guarantees.md#7-graceful-shutdown's order: the NATS server is drained first (onModuleDestroy, the
 * first shutdown hook: no new requests, the ones in hand answered), then consumers and relays stop
 * (beforeApplicationShutdown), the HTTP listener closes, and last the NATS connections are drained
 * and the database closed (onApplicationShutdown).
 */
export async function bootstrapMicroservice(options: MicroserviceBootstrapOptions): Promise<void> {
  const metrics = new Metrics(options.metricsEnabled);
  const level = pinoLevel(options.logging.level);
  const logger = createServiceLogger({ service: options.name, ...options.logging, stampRequestId: true });
  const server = new NatsTransportServer({
    url: options.natsUrl,
    name: options.name,
    queue: options.queue,
    metrics,
    logEachRequest: level === 'debug' || level === 'trace',
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    {
      module: ServiceRootModule,
      imports: [
        options.module,
        loggingModule(logger),
        MetricsModule.forRoot(metrics),
        ServiceHealthModule.forRoot({ server, consumers: options.consumers }),
      ],
      providers: [
        { provide: NatsTransportServer, useValue: server },
        NatsServerCloser,
        // The edge of every NATS handler (domain errors as they are, anything else logged with an id);
        // HTTP errors of the health listener go to Nest's default handling.
        { provide: APP_FILTER, useClass: RpcErrorFilter },
      ],
    },
    new FastifyAdapter({ genReqId: httpRequestId }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(PinoNestLogger));
  // The health and metrics listener is polled all day: its requests are logged at debug only.
  useAccessLog(app.getHttpAdapter().getInstance(), logger, { accessLogLevel: 'debug' });
  // The application's global enhancers (the RPC error filter) apply to the NATS handlers too; the
  // application runs the lifecycle hooks, once.
  app.connectMicroservice<MicroserviceOptions>({ strategy: server }, { inheritAppConfig: true });
  exitGracefullyOnSignals(app, options.name);
  await app.init();
  await app.startAllMicroservices();
  await app.listen(options.http.port, options.http.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : options.http.port;
  new Logger(options.name).log(
    `listening on NATS queue group "${options.queue}" and on http://${options.http.host}:${port} (health, metrics)`,
  );
}
