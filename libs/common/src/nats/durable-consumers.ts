import { Inject, Injectable, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap, type Provider } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Metrics } from '../metrics/metrics.js';
import { DurableConsumer } from './jetstream-consumer.js';
import { NATS_CONNECTION } from './nats.module.js';

export const DURABLE_CONSUMER_SETTINGS = Symbol('DURABLE_CONSUMER_SETTINGS');

/** What every durable consumer of a service shares (its configuration). */
export interface DurableConsumerSettings {
  /** How long a message may stay unacknowledged before JetStream redelivers it. */
  ackWaitSeconds: number;
  /** The most messages handled together, in one batch. */
  maxBatch: number;
  /** Replicas of each consumer's state (NATS_STREAM_REPLICAS: as many as its stream has). */
  replicas: number;
}

/** One durable consumer: the messages of `filterSubject` in `stream`, as `durable`. */
export interface DurableSubscription {
  stream: string;
  durable: string;
  /** One subject, wildcards allowed (filter_subjects needs NATS 2.10; this runs on 2.9 too). */
  filterSubject: string;
}

/**
 * The one way a service consumes JetStream: each consumer class registers its subscription and its
 * batch handler here (from its constructor); they all start when the application has started and
 * stop, their batches in progress finished, before it shuts down.
 */
@Injectable()
export class DurableConsumers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumers: DurableConsumer[] = [];

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(DURABLE_CONSUMER_SETTINGS) private readonly settings: DurableConsumerSettings,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /** Handles the subscription's messages a batch at a time (see BatchHandler); acknowledged once `handle` resolved. */
  register(subscription: DurableSubscription, handle: (messages: JsMsg[]) => Promise<void>): void {
    const { ackWaitSeconds, maxBatch, replicas } = this.settings;
    this.consumers.push(new DurableConsumer(this.nc, { ...subscription, ackWaitSeconds, replicas, metrics: this.metrics }, { maxBatch, handle }));
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.start()));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }
}

/** The providers of a service's durable consumers, with the settings they share. */
export function durableConsumers(settings: DurableConsumerSettings): Provider[] {
  return [{ provide: DURABLE_CONSUMER_SETTINGS, useValue: settings }, DurableConsumers];
}
