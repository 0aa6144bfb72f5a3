import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { STREAMS } from '@livechat/contracts';
import { closeConnection, natsConnectionOptions, PULL_SESSION_BACKOFF, PULL_TIMING, pullOptions, Runner, type NextPass } from '@livechat/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { RoomEventBuffer } from './room-event-buffer.js';

/** How long after a session that ended without an error the next one starts. */
const NEXT_SESSION_MS = 100;

/**
 * Feeds the console's RoomEventBuffer from the `LIVECHAT` stream with an ordered consumer: an
 * ephemeral, unacknowledged consumer of this replica alone (the durable consumers of rooms and
 * routing are not touched). It starts at the stream's last `capacity` messages, so the console's
 * list is not empty after a restart, then follows new events live; after a failure it resumes at
 * the sequence after the last one taken. It never holds up the gateway: the HTTP API starts and
 * answers whether or not this feed is connected.
 */
@Injectable()
export class RoomEventFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ConsoleFeed');
  private nc: NatsConnection | null = null;
  private messages: ConsumerMessages | null = null;
  /** The stream does not exist until rooms has started once; NATS may be away. */
  private readonly feed = new Runner(
    { name: 'room events feed', logger: this.logger, backoff: PULL_SESSION_BACKOFF, describe: String },
    () => this.follow(),
  );
  private consuming = false;
  private natsUp = true;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: Pick<GatewayConfig, 'NATS_URL'>,
    readonly buffer: RoomEventBuffer,
  ) {}

  /** True while the ordered consumer runs over a connected NATS connection. */
  get live(): boolean {
    return this.consuming && this.natsUp;
  }

  onApplicationBootstrap(): void {
    this.feed.start();
  }

  async onApplicationShutdown(): Promise<void> {
    const stopped = this.feed.stop();
    await this.messages?.close().catch(() => undefined);
    // Nothing to flush: the console only reads (the server drops the ephemeral consumer after its
    // inactivity threshold). Closing also fails a JetStream request the loop may be waiting on.
    if (this.nc) await closeConnection(this.nc);
    // A connection attempt in progress cannot be cancelled: the shutdown does not wait for it.
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  }

  /**
   * One session: from the sequence after the last event taken (or the stream's last `capacity`
   * messages), events into the buffer until the session ends; then another, shortly.
   */
  private async follow(): Promise<NextPass> {
    try {
      const nc = await this.connection();
      const stream = STREAMS.events.name;
      const { state } = await (await jetstreamManager(nc)).streams.info(stream);
      if (this.buffer.lastSeq > state.last_seq) this.buffer.clear(); // the stream was recreated
      const start =
        this.buffer.lastSeq > 0
          ? this.buffer.lastSeq + 1
          : Math.max(1, state.first_seq, state.last_seq - this.buffer.capacity + 1);
      const consumer = await jetstream(nc, { timeout: PULL_TIMING.apiTimeoutMs }).consumers.get(stream, {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: start,
      });
      // Short pulls with heartbeats, as the durable consumers: when the node holding this
      // consumer dies, the client notices within seconds and creates it again elsewhere.
      this.messages = await consumer.consume(pullOptions(this.buffer.capacity));
      if (this.feed.stopping) return undefined;
      this.consuming = true;
      this.logger.log(`following stream ${stream} from sequence ${start}`);
      this.feed.healthy();
      for await (const msg of this.messages) {
        let event: unknown;
        try {
          event = msg.json();
        } catch {
          this.logger.warn(`${msg.subject} #${msg.seq}: not JSON, skipped`);
          continue;
        }
        this.buffer.add(msg.seq, event);
      }
    } finally {
      this.consuming = false;
      this.messages = null;
    }
    return { afterMs: NEXT_SESSION_MS };
  }

  private async connection(): Promise<NatsConnection> {
    if (this.nc && !this.nc.isClosed()) return this.nc;
    const nc = await connect(natsConnectionOptions(this.config.NATS_URL, 'gateway-console'));
    this.nc = nc;
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') this.natsUp = false;
        else if (status.type === 'reconnect') this.natsUp = true;
      }
    })();
    this.natsUp = true;
    if (this.feed.stopping) await closeConnection(nc);
    return nc;
  }
}
