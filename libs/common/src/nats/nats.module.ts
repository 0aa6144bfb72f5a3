import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ensureStream } from './jetstream.js';
import { natsConnectionOptions } from './nats-options.js';
import { answersPing, drainOrClose } from '../transport/nats-lifecycle.js';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

@Injectable()
class NatsConnectionCloser implements OnApplicationShutdown {
  private readonly logger = new Logger('Nats');
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  /** Drained within 3 s; closed at once when NATS is unreachable (a shutdown must not wait for it). */
  async onApplicationShutdown(): Promise<void> {
    await drainOrClose(this.nc, await answersPing(this.nc, 1_000), 3_000).catch((err: unknown) => this.logger.warn(`drain failed: ${String(err)}`));
  }
}

/**
 * The service's own NATS connection (for JetStream), drained on shutdown. The JetStream streams the
 * service publishes to or consumes from are created (or updated) before anything uses it.
 */
@Module({})
export class NatsModule {
  static forRoot(options: { url: string; name: string; streams: readonly { name: string; subjects: readonly string[] }[] }): DynamicModule {
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
            for (const stream of options.streams) await ensureStream(nc, stream);
            logger.log(`connected to ${options.url}; streams ${options.streams.map((s) => s.name).join(', ')} ready`);
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
    if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
      logger.warn(`connection ${status.type}`);
    }
  }
}
