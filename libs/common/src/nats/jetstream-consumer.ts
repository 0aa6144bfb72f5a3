import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Counter } from 'prom-client';
import { isSaneRequestId, REQUEST_ID_HEADER, runInRequest } from '../logging/request-context.js';
import type { Metrics } from '../metrics/metrics.js';

const SECOND_NS = 1_000_000_000;

export interface DurableConsumerOptions {
  stream: string;
  durable: string;
  /** One subject, wildcards allowed (filter_subjects needs NATS 2.10; this runs on 2.9 too). */
  filterSubject: string;
  /** How long a message may stay unacknowledged before JetStream redelivers it. */
  ackWaitSeconds?: number;
  /** Messages handled at once by one replica. */
  concurrency?: number;
  /** Counts redeliveries in `livechat_consumer_redeliveries_total{durable}`. */
  metrics?: Metrics;
}

/**
 * A durable, explicitly acknowledged JetStream consumer shared by all replicas of a service:
 * each message goes to one replica, is acknowledged only after its handler committed, and is
 * redelivered (with back-off) when the handler fails or the replica dies. Handlers must be
 * idempotent: delivery is at least once.
 *
 * An event published with an `x-request-id` header (the request that caused it) is handled in that
 * request's context, so the handler's log lines, and the events it writes in turn, carry the id.
 */
export class DurableConsumer {
  private readonly logger: Logger;
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly redeliveries: Counter.Internal | null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: DurableConsumerOptions,
    private readonly handle: (msg: JsMsg) => Promise<void>,
  ) {
    this.logger = new Logger(`Consumer:${options.durable}`);
    const redeliveries = options.metrics?.counter({
      name: 'livechat_consumer_redeliveries_total',
      help: 'JetStream messages delivered again (delivery count above 1: a handler failed, or its replica died before acknowledging), by durable consumer',
      labelNames: ['durable'],
    });
    redeliveries?.inc({ durable: options.durable }, 0); // the series exists (at 0) before the first redelivery
    this.redeliveries = redeliveries?.labels({ durable: options.durable }) ?? null;
  }

  async start(): Promise<void> {
    await this.ensureConsumer();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.messages?.close().catch(() => undefined);
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async ensureConsumer(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    const config: Partial<ConsumerConfig> & { durable_name: string } = {
      durable_name: this.options.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.options.filterSubject,
      ack_wait: (this.options.ackWaitSeconds ?? 30) * SECOND_NS,
      max_ack_pending: 10_000,
    };
    try {
      await jsm.consumers.info(this.options.stream, this.options.durable);
      await jsm.consumers.update(this.options.stream, this.options.durable, {
        filter_subject: config.filter_subject,
        ack_wait: config.ack_wait,
        max_ack_pending: config.max_ack_pending,
      });
    } catch {
      await jsm.consumers.add(this.options.stream, config).catch(async (err: unknown) => {
        // Another replica may have created it meanwhile.
        await jsm.consumers.info(this.options.stream, this.options.durable).catch(() => {
          throw err;
        });
      });
    }
  }

  private async run(): Promise<void> {
    const concurrency = this.options.concurrency ?? 1;
    let failures = 0;
    while (!this.stopped) {
      try {
        const consumer = await jetstream(this.nc).consumers.get(this.options.stream, this.options.durable);
        this.messages = await consumer.consume({ max_messages: Math.max(10, concurrency * 4) });
        failures = 0;
        for await (const msg of this.messages) {
          const task = this.process(msg).finally(() => this.inFlight.delete(task));
          this.inFlight.add(task);
          if (this.inFlight.size >= concurrency) await Promise.race(this.inFlight);
          if (this.stopped) break;
        }
      } catch (err) {
        if (this.stopped) break;
        failures += 1;
        this.logger.warn(`consume failed, restarting: ${String(err)}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** Math.min(failures, 6))));
        await this.ensureConsumer().catch(() => undefined);
      }
    }
  }

  private process(msg: JsMsg): Promise<void> {
    const requestId = msg.headers?.get(REQUEST_ID_HEADER);
    return runInRequest(isSaneRequestId(requestId) ? requestId : undefined, () => this.processInContext(msg));
  }

  private async processInContext(msg: JsMsg): Promise<void> {
    if (msg.info.deliveryCount > 1) this.redeliveries?.inc();
    try {
      await this.handle(msg);
      msg.ack();
      this.logger.debug(`handled ${msg.subject} #${msg.seq} (delivery ${msg.info.deliveryCount})`);
    } catch (err) {
      const delayMs = Math.min(10_000, 200 * 2 ** Math.min(msg.info.deliveryCount, 6));
      this.logger.warn(
        `handling ${msg.subject} #${msg.seq} failed (delivery ${msg.info.deliveryCount}, retry in ${delayMs} ms): ${err instanceof Error ? err.message : String(err)}`,
      );
      msg.nak(delayMs);
    }
  }
}
