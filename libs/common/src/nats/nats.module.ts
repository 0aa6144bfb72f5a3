import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ensureStream, type StreamDefinition } from './jetstream.js';
import { natsConnectionOptions } from './nats-options.js';
import { answersPing, drainOrClose } from '../transport/nats-lifecycle.js';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

@Injectable()
class NatsConnectionCloser implements OnApplicationShutdown {
  private readonly logger = new Logger('Nats');
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  /** Drained within 3 s; closed at once when NATS is unreachable (a shutdown must not wait for it). */
  async onApplicationShutdown(): Promise<void> {
    await drainOrClose(this.nc, await answersPing(this.nc, 1_000), DRAIN_TIMEOUT_MS).catch((err: unknown) => this.logger.warn(`drain failed: ${String(err)}`));
  }
}

/** How long a shutdown waits for a NATS connection to drain before closing it. */
const DRAIN_TIMEOUT_MS = 3_000;

/**
 * The service's own NATS connection (for JetStream), drained on shutdown. The JetStream streams the
 * service publishes to or consumes from are created (or brought to `replicas` replicas) before
 * anything uses it.
 */
@Module({})
export class NatsModule {
  static forRoot(options: { url: string; name: string; streams: readonly StreamDefinition[]; replicas: number }): DynamicModule {
    return {
      module: NatsModule,
      global: true,
      providers: [
        {
          provide: NATS_CONNECTION,
          useFactory: async () => {
            const logger = new Logger('Nats');
            const nc = await connect(natsConnectionOptions(options.url, options.name));
            void logStatus(nc, logger);
            for (const stream of options.streams) await ensureStream(nc, stream, options.replicas);
            logger.log(
              `connected to ${nc.getServer()} (of ${options.url}); streams ${options.streams.map((s) => s.name).join(', ')} ready, ${options.replicas} replica(s) each`,
            );
            return nc;
          },
        },
        NatsConnectionCloser,
      ],
      exports: [NATS_CONNECTION],
    };
  }
}

async function logStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === 'disconnect' || status.type === 'reconnect') logger.warn(`connection ${status.type} (${status.server})`);
    else if (status.type === 'error') logger.warn(`connection error: ${String(status.error)}`);
  }
}
