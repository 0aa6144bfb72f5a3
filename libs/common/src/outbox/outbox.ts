import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { NATS_CONNECTION } from '../nats/nats.module.js';
import { PG_POOL } from '../database/database.module.js';
import { RowSet } from '../database/row-set.js';
import { sql, withConnection } from '../database/sql.js';
import { currentRequestId, outsideRequest, requestIdHeaders } from '../logging/request-context.js';
import { Metrics, withDeadline } from '../metrics/metrics.js';

export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');

/**
 * How long the relay waits for JetStream to acknowledge a publish. A publish in flight when the
 * node leading the stream dies is never answered: the relay gives up after this long and publishes
 * the batch again (duplicates dropped by message id), by then to the stream's new leader.
 */
const PUBLISH_TIMEOUT_MS = 2_000;
/** The longest pause between two attempts of a failing relay. */
const RELAY_RETRY_MAX_MS = 1_000;

export interface OutboxOptions {
  /**
   * Schema-qualified table: `(id bigserial, event_id text unique, subject text, payload text,
   * request_id text, created_at, published_at)`.
   */
  table: string;
  /** pg advisory lock key that makes one relay pass run at a time across replicas, keeping order. */
  lockKey: number;
  /** Safety-net poll for events committed by a replica that died before relaying them. */
  pollMs: number;
  batchSize?: number;
  publishTimeoutMs?: number;
  /** How long published rows are kept for a re-publish after a NATS restart; below the 2-minute duplicate window. */
  retainMs?: number;
  /**
   * Replicas of the streams it publishes to (NATS_STREAM_REPLICAS, default 1). With one, the last
   * `retainMs` of events are published again after each reconnect, since one NATS server may lose
   * what it acknowledged when it is killed; with more, an acknowledged event is stored on a
   * majority of the nodes, and nothing is published again (README, "NATS: one server or a cluster").
   */
  streamReplicas?: number;
}

export interface OutboxMessage {
  eventId: string;
  subject: string;
  payload: unknown;
}

/**
 * Transactional outbox. `add()` writes the event in the caller's transaction; after the commit the
 * relay publishes it to JetStream with the event id as message id, then marks the row published. A
 * relay that dies between publish and mark publishes again and JetStream drops the duplicate by
 * message id (within the stream's duplicate window). Published rows are kept for `retainMs` (shorter
 * than that window): with one NATS server, when the connection comes back after a break, they are
 * published again, since a NATS server that was killed may have acknowledged messages it had not
 * yet written; those it did keep are dropped as duplicates (with streams replicated over a cluster,
 * see `streamReplicas`). Consumers are idempotent for anything else.
 *
 * An event written while a request is handled keeps that request's id (`request_id`) and is
 * published with it as the `x-request-id` header, so its consumers log under the same id.
 */
@Injectable()
export class Outbox implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private readonly js: JetStreamClient;
  private dirty = false;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private failures = 0;
  /** Cuts the relay's back-off short when the application shuts down. */
  private wake: (() => void) | null = null;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxOptions,
    @Optional() metrics?: Metrics,
  ) {
    this.js = jetstream(nc, { timeout: options.publishTimeoutMs ?? PUBLISH_TIMEOUT_MS });
    if ((options.streamReplicas ?? 1) === 1) void this.republishAfterReconnects(nc);
    metrics?.collectedGauge({
      name: 'livechat_outbox_backlog',
      help: 'Events committed but not yet relayed to JetStream (unpublished rows in the outbox table), read on scrape',
      labelNames: ['table'],
      collect: async (gauge) => {
        const [{ count }] = await withDeadline(
          sql<{ count: number }>(this.dataSource.manager, `SELECT count(*)::int AS count FROM ${options.table} WHERE published_at IS NULL`),
          1_000,
          'the outbox backlog query',
        );
        gauge.set({ table: options.table }, count);
      },
    });
  }

  /** Appends events inside the caller's transaction, with the current request's id. Call `flush()` after the commit. */
  async add(manager: EntityManager, messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const insert = this.rows(messages).insert();
    await sql(manager, insert.text, insert.params);
  }

  /**
   * The outbox rows of these events (with the current request's id), for a statement that writes them
   * together with the change they announce. Call `flush()` after its commit.
   */
  rows(messages: OutboxMessage[]): RowSet {
    const requestId = currentRequestId() ?? null;
    return new RowSet(
      this.options.table,
      ['event_id', 'subject', 'payload', 'request_id'],
      messages.map((m) => [m.eventId, m.subject, JSON.stringify(m.payload), requestId]),
    );
  }

  /**
   * Asks the relay to publish what is committed, without waiting for it. The relay runs outside
   * the request that asked: it publishes other requests' events too.
   */
  flush(): void {
    this.dirty = true;
    if (!this.running && !this.stopped) this.running = outsideRequest(() => this.drain()).finally(() => (this.running = null));
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.flush();
      void this.prune();
    }, this.options.pollMs);
    this.timer.unref();
    this.flush();
  }

  /**
   * One last relay of what is committed (no retries), then stop; leftovers go out through another
   * replica or at the next start. A relay that keeps failing (JetStream away) stops retrying at
   * once, so the shutdown stays within its deadline.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopped = true;
    this.wake?.();
    await this.running;
    await this.relayBatch().catch((err: unknown) => this.logger.warn(`last relay before shutdown failed: ${String(err)}`));
  }

  private async drain(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      try {
        const published = await this.relayBatch();
        if (published === (this.options.batchSize ?? 500)) this.dirty = true;
        if (this.failures > 0) this.logger.log(`relaying again after ${this.failures} failed attempts`);
        this.failures = 0;
      } catch (err) {
        this.failures += 1;
        // At most a second apart: a NATS cluster electing a stream's new leader answers again
        // within seconds, and events should flow the moment it does.
        const backoff = Math.min(RELAY_RETRY_MAX_MS, 50 * 2 ** Math.min(this.failures, 5));
        if (this.failures <= 3 || this.failures % 10 === 0) {
          this.logger.warn(`relay failed (attempt ${this.failures}, retry in ${backoff} ms): ${String(err)}`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        }).finally(() => (this.wake = null));
        this.dirty = true;
      }
    }
  }

  /** After a break in the connection, publish again what may have been lost with the server. */
  private async republishAfterReconnects(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type !== 'reconnect' || this.stopped) continue;
      try {
        const rows = await sql<{ id: string }>(
          this.dataSource.manager,
          `UPDATE ${this.options.table} SET published_at = NULL
            WHERE published_at > now() - make_interval(secs => $1::double precision / 1000) RETURNING id`,
          [this.retainMs],
        );
        this.logger.log(`NATS is back: publishing the last ${rows.length} events again (duplicates are dropped by message id)`);
        this.flush();
      } catch (err) {
        this.logger.warn(`could not queue recent events for re-publishing: ${String(err)}`);
      }
    }
  }

  private get retainMs(): number {
    return this.options.retainMs ?? 60_000;
  }

  private async prune(): Promise<void> {
    await sql(
      this.dataSource.manager,
      `DELETE FROM ${this.options.table} WHERE published_at < now() - make_interval(secs => $1::double precision / 1000)`,
      [this.retainMs],
    ).catch((err: unknown) => this.logger.warn(`outbox prune failed: ${String(err)}`));
  }

  /**
   * One relay pass: under the relay lock, marks the oldest unpublished rows published and publishes
   * them; the marks commit only after JetStream acknowledged every one, so a failed publish (or a
   * crash) leaves them unpublished, to go again. Two round trips for a whole batch: the transaction's
   * beginning, its lock and the marking go as one simple query (its statements have no parameters:
   * the lock key and the batch size are numbers of the configuration), the commit as the other.
   */
  private relayBatch(): Promise<number> {
    const { table, lockKey, batchSize = 500 } = this.options;
    return withConnection(this.pool, async (client) => {
      try {
        // Losing this transaction in a PostgreSQL crash only means publishing its rows again, which
        // JetStream drops by message id: its commit need not wait for the disk.
        const results = (await client.query(
          `BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_advisory_xact_lock(${Number(lockKey)});
           UPDATE ${table} SET published_at = now()
            WHERE id IN (SELECT id FROM ${table} WHERE published_at IS NULL ORDER BY id LIMIT ${Number(batchSize)})
            RETURNING id, event_id, subject, payload, request_id`,
        )) as unknown as { rows: OutboxRow[] }[];
        const rows = results[results.length - 1].rows;
        if (rows.length > 0) {
          rows.sort((a, b) => Number(a.id) - Number(b.id));
          faultPoint('outbox:before-publish');
          // One connection publishes in order, so the stream stores the batch in outbox order.
          await Promise.all(rows.map((row) => this.js.publish(row.subject, row.payload, { msgID: row.event_id, headers: requestIdHeaders(row.request_id) })));
          faultPoint('outbox:after-publish');
        }
        await client.query('COMMIT');
        return rows.length;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }
}

interface OutboxRow {
  id: string;
  event_id: string;
  subject: string;
  payload: string;
  request_id: string | null;
}

/**
 * Fault injection for the fault suite: `LIVECHAT_FAULT=<point>` kills the process (as SIGKILL would)
 * the first time it reaches that point. Unset in production.
 */
export function faultPoint(point: string): void {
  if (process.env.LIVECHAT_FAULT === point) {
    process.stderr.write(`fault injected at ${point}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
