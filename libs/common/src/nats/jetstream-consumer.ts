import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerMessages,
  type ConsumerNotification,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Counter } from 'prom-client';
import { isSaneRequestId, REQUEST_ID_HEADER, runInRequest } from '../logging/request-context.js';
import type { Metrics } from '../metrics/metrics.js';
import { backoffDelay } from '../runner/backoff.js';
import { Runner } from '../runner/runner.js';
import { isApiError, whenJetStreamReady } from './jetstream.js';

const SECOND_NS = 1_000_000_000;

/**
 * How a consumer notices that the server holding its pull request is gone (the node that led the
 * consumer died, or its own connection moved to another node) and asks again. Each pull request
 * lives `expires` and the server sends a heartbeat every `idleHeartbeat` while it waits; after two
 * missed heartbeats, or after a reconnect, the client asks for the consumer's info (the JetStream
 * API answering within `apiTimeout`) and pulls again, retrying every `expires` or so until the
 * consumer has a leader again. The client's defaults (30 s, 15 s, 5 s) left a consumer idle for
 * 28–40 s after its leader died; with these it resumes about when the cluster has elected the new
 * leader (docs/operating.md#nats-one-server-or-a-cluster).
 */
export const PULL_TIMING = { expiresMs: 1_000, idleHeartbeatMs: 500, apiTimeoutMs: 1_000 } as const;

/** The options of a pull session (`consume()`) of at most `maxMessages` in hand, with PULL_TIMING. */
export function pullOptions(maxMessages: number): { max_messages: number; expires: number; idle_heartbeat: number } {
  return { max_messages: maxMessages, expires: PULL_TIMING.expiresMs, idle_heartbeat: PULL_TIMING.idleHeartbeatMs };
}

/** The pauses before a pull session that failed to start (or broke) is started again. */
export const PULL_SESSION_BACKOFF = { firstMs: 200, maxMs: 5_000 } as const;

/**
 * The redelivery delay of a message whose handler failed, by its delivery count. A `nak` with this
 * delay, not the consumer's `backoff`: JetStream applies `backoff` only to messages left
 * unacknowledged past their ack wait (never to a `nak`), it replaces the ack wait (a slow handler's
 * batch would be redelivered while still handled), and it needs a `max_deliver`, after which a
 * message would be dropped; an event here must be handled however many attempts it takes.
 */
const REDELIVERY_BACKOFF = { firstMs: 400, maxMs: 10_000 } as const;

export interface DurableConsumerOptions {
  stream: string;
  durable: string;
  /** One subject, wildcards allowed (filter_subjects needs NATS 2.10; this runs on 2.9 too). */
  filterSubject: string;
  /** How long a message may stay unacknowledged before JetStream redelivers it. */
  ackWaitSeconds?: number;
  /** Counts redeliveries in `livechat_consumer_redeliveries_total{durable}`. */
  metrics?: Metrics;
  /** Replicas of the consumer's state (NATS_STREAM_REPLICAS: as many as its stream has). */
  replicas?: number;
}

/**
 * Handles the messages that arrived together, at most `maxBatch`, one batch at a time per replica,
 * in delivery order: the first message of a quiet period goes alone, at once; what arrives while a
 * batch is handled makes the next one. A batch is acknowledged after the handler committed it.
 */
export interface BatchHandler {
  maxBatch: number;
  handle(messages: JsMsg[]): Promise<void>;
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
  private readonly session: Runner;
  private readonly redeliveries: Counter.Internal | null;
  private readonly pending: JsMsg[] = [];
  private batches: Promise<void> | null = null;
  /** Since when, and why, the consumer's pulls have been lost (its leader or its connection's node died). */
  private stall: { since: number; why: string } | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: DurableConsumerOptions,
    private readonly handler: BatchHandler,
  ) {
    this.logger = new Logger(`Consumer:${options.durable}`);
    const redeliveries = options.metrics?.counter({
      name: 'livechat_consumer_redeliveries_total',
      help: 'JetStream messages delivered again (delivery count above 1: a handler failed, or its replica died before acknowledging), by durable consumer',
      labelNames: ['durable'],
    });
    redeliveries?.inc({ durable: options.durable }, 0); // the series exists (at 0) before the first redelivery
    this.redeliveries = redeliveries?.labels({ durable: options.durable }) ?? null;
    this.session = new Runner({ name: 'consume', logger: this.logger, backoff: PULL_SESSION_BACKOFF, describe: String }, () => this.consume());
  }

  async start(): Promise<void> {
    await this.ensureConsumer();
    void this.watchConnection();
    this.session.start();
  }

  async stop(): Promise<void> {
    const stopped = this.session.stop();
    await this.messages?.close().catch(() => undefined);
    await stopped;
    await this.batches;
  }

  /**
   * Creates the durable consumer, or brings an existing one to the wanted settings, its replicas
   * included (a consumer left on one replica would stop with the node that holds it).
   */
  private async ensureConsumer(): Promise<void> {
    const { stream, durable } = this.options;
    const settings = {
      filter_subject: this.options.filterSubject,
      ack_wait: (this.options.ackWaitSeconds ?? 30) * SECOND_NS,
      max_ack_pending: 10_000,
      num_replicas: this.options.replicas ?? 1,
    } satisfies Partial<ConsumerConfig>;
    await whenJetStreamReady(`consumer ${durable}`, async () => {
      const jsm = await jetstreamManager(this.nc);
      const info = await jsm.consumers.info(stream, durable).catch((err: unknown) => {
        if (isApiError(err, JetStreamApiCodes.ConsumerNotFound)) return null;
        throw err;
      });
      if (!info) {
        const config: Partial<ConsumerConfig> & { durable_name: string } = {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ...settings,
        };
        await jsm.consumers.add(stream, config).catch(async (err: unknown) => {
          // Another replica may have created it meanwhile.
          await jsm.consumers.info(stream, durable).catch(() => {
            throw err;
          });
        });
        return;
      }
      const changed = (Object.keys(settings) as (keyof typeof settings)[]).filter((key) => info.config[key] !== settings[key]);
      if (changed.length === 0) return;
      await jsm.consumers.update(stream, durable, settings);
      this.logger.log(`updated ${changed.map((key) => `${key} ${String(info.config[key])} → ${String(settings[key])}`).join(', ')}`);
    });
  }

  /**
   * One pull session: pulls and handles messages until the session ends, then asks for the next
   * one. After a failed session, the consumer is created again first (it may have been deleted).
   */
  private async consume(): Promise<'again' | undefined> {
    if (this.session.failures > 0) await this.ensureConsumer().catch(() => undefined);
    const js = jetstream(this.nc, { timeout: PULL_TIMING.apiTimeoutMs });
    const consumer = await js.consumers.get(this.options.stream, this.options.durable);
    this.messages = await consumer.consume(pullOptions(Math.max(10, this.handler.maxBatch * 2)));
    void this.logNotifications(this.messages);
    this.session.healthy();
    for await (const msg of this.messages) {
      await this.enqueue(msg);
      if (this.session.stopping) return undefined;
    }
    return 'again';
  }

  /**
   * What the client reports about its pulls, logged where it helps an operator: how long the
   * consumer went without pulls after losing its leader (heartbeats missed, or its connection's
   * node died), and a consumer or stream that is gone.
   */
  private async logNotifications(messages: ConsumerMessages): Promise<void> {
    for await (const note of messages.status()) {
      if (note.type === 'heartbeats_missed') {
        this.markStalled(`no heartbeat from the consumer's leader for ${note.count} × ${PULL_TIMING.idleHeartbeatMs} ms`);
      } else if (note.type === 'next' && this.stall !== null) {
        const { since, why } = this.stall;
        const ms = Date.now() - since;
        this.stall = null;
        // A busy process misses a heartbeat now and then and pulls again at once: not worth a line.
        if (ms >= 1_000) this.logger.warn(`${why}: pulling again after ${ms} ms, once the consumer had a leader`);
        else this.logger.debug(`${why}: pulling again after ${ms} ms`);
      } else if (isTrouble(note)) {
        this.logger.warn(`consumer ${note.type.replace(/_/g, ' ')}`);
      }
    }
  }

  /** A disconnect takes the pull requests with it: the client pulls again once it has reconnected. */
  private async watchConnection(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect' && !this.session.stopping) this.markStalled(`connection to ${status.server} lost`);
    }
  }

  private markStalled(why: string): void {
    this.stall ??= { since: Date.now(), why };
  }

  /** Adds the message to the next batch; waits while a full batch is waiting (back-pressure). */
  private async enqueue(msg: JsMsg): Promise<void> {
    this.pending.push(msg);
    this.batches ??= this.processBatches();
    while (this.pending.length >= this.handler.maxBatch && this.batches) await this.batches;
  }

  /**
   * Runs until nothing is pending. It lets go of `batches` in the same step as it sees the queue
   * empty: a message enqueued a moment later starts a new run, rather than waiting behind a
   * finished one (until its ack wait ran out).
   */
  private async processBatches(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.handler.maxBatch);
        for (const msg of batch) if (msg.info.deliveryCount > 1) this.redeliveries?.inc();
        if (await this.attempt(batch)) continue;
        // One message may be the cause: handle them one by one, so the others go through.
        if (batch.length > 1) for (const msg of batch) await this.attempt([msg]);
      }
    } finally {
      this.batches = null;
    }
  }

  /**
   * Handles and acknowledges the batch; on failure, a lone message is handed back for a later
   * redelivery. A batch's messages share one request context when they were all caused by the
   * same request (a lone event, usually): its log lines, and the events it writes, carry that id.
   */
  private attempt(batch: JsMsg[]): Promise<boolean> {
    const ids = new Set(batch.map((msg) => msg.headers?.get(REQUEST_ID_HEADER)));
    const [requestId] = ids;
    return runInRequest(ids.size === 1 && isSaneRequestId(requestId) ? requestId : undefined, async () => {
      try {
        await this.handler.handle(batch);
        for (const msg of batch) msg.ack();
        this.logger.debug(`handled ${batch.map((msg) => `${msg.subject} #${msg.seq} (delivery ${msg.info.deliveryCount})`).join(', ')}`);
        return true;
      } catch (err) {
        if (batch.length === 1) this.retryLater(batch[0], err);
        return false;
      }
    });
  }

  private retryLater(msg: JsMsg, err: unknown): void {
    const delayMs = backoffDelay(REDELIVERY_BACKOFF, msg.info.deliveryCount);
    this.logger.warn(
      `handling ${msg.subject} #${msg.seq} failed (delivery ${msg.info.deliveryCount}, retry in ${delayMs} ms): ${err instanceof Error ? err.message : String(err)}`,
    );
    msg.nak(delayMs);
  }
}

function isTrouble(note: ConsumerNotification): boolean {
  return note.type === 'consumer_not_found' || note.type === 'stream_not_found' || note.type === 'consumer_deleted';
}
