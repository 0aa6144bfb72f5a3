import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { jetstream, JetStreamApiError, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { NATS_CONNECTION } from '../nats/nats.module.js';
import { PG_POOL } from '../database/database.module.js';
import { RowSet } from '../database/row-set.js';
import { sql, withConnection } from '../database/sql.js';
import { currentRequestId, requestIdHeaders } from '../logging/request-context.js';
import { Metrics, withDeadline } from '../metrics/metrics.js';
import { Runner } from '../runner/runner.js';

export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');

/**
 * How long the relay waits for JetStream to acknowledge a publish. A publish in flight when the
 * node leading the stream dies is never answered: the relay gives up after this long and publishes
 * the batch again (duplicates dropped by message id), by then to the stream's new leader.
 */
const PUBLISH_TIMEOUT_MS = 2_000;
/**
 * The pauses of a failing relay: at most a second apart, since a NATS cluster electing a stream's
 * new leader answers again within seconds, and events should flow the moment it does.
 */
const RELAY_BACKOFF = { firstMs: 100, maxMs: 1_000 } as const;

/** JetStream's advisory that a stream has a new leader; the stream's name follows. */
const LEADER_ELECTED_ADVISORY = '$JS.EVENT.ADVISORY.STREAM.LEADER_ELECTED';

/** Whether the unit of work in progress (`Outbox.transaction`, `Outbox.relayAfter`) wrote events. */
const unitOfWork = new AsyncLocalStorage<{ wroteEvents: boolean }>();

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
   * what it acknowledged when it is killed. With more, an acknowledged event is stored on a majority
   * of the nodes, but a killed node can come back lacking some and be elected leader, so they are
   * published again after each election of a stream's leader instead
   * (docs/operating.md#nats-one-server-or-a-cluster).
   */
  streamReplicas?: number;
}

export interface OutboxMessage {
  eventId: string;
  subject: string;
  payload: unknown;
}

/**
 * Transactional outbox. `add()` writes the event in the caller's transaction, opened by
 * `transaction()` (or `relayAfter()` around a statement of the caller's); after the commit the relay
 * publishes it to JetStream with the event id as message id, then marks the row published. A
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
  private readonly relay: Runner;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxOptions,
    @Optional() metrics?: Metrics,
  ) {
    this.js = jetstream(nc, { timeout: options.publishTimeoutMs ?? PUBLISH_TIMEOUT_MS });
    this.relay = new Runner({ name: 'relay', logger: this.logger, backoff: RELAY_BACKOFF, describe: String }, async () =>
      (await this.relayBatch()) === (this.options.batchSize ?? 500) ? 'again' : undefined,
    );
    if ((options.streamReplicas ?? 1) === 1) void this.republishAfterReconnects(nc);
    else this.republishAfterLeaderElections(nc);
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

  /**
   * Runs `work` in a transaction, and relays the events it wrote (`add`, `rows`) once it has
   * committed: the way to write a change together with the events that announce it.
   */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.relayAfter(() => this.dataSource.transaction(work));
  }

  /**
   * Runs `work`, a statement or transaction of the caller's that may write events (a repository's
   * single statement with `rows`), and relays what it wrote once it has succeeded, without waiting
   * for the relay. Nothing is relayed when it wrote no event or failed.
   */
  async relayAfter<T>(work: () => Promise<T>): Promise<T> {
    const unit = { wroteEvents: false };
    const result = await unitOfWork.run(unit, work);
    if (unit.wroteEvents) this.relay.request();
    return result;
  }

  /** Appends events inside the caller's transaction (`transaction`, `relayAfter`), with the current request's id. */
  async add(manager: EntityManager, messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const insert = this.rows(messages).insert();
    await sql(manager, insert.text, insert.params);
  }

  /**
   * The outbox rows of these events (with the current request's id), for a statement that writes them
   * together with the change they announce, within `transaction` or `relayAfter`.
   */
  rows(messages: OutboxMessage[]): RowSet {
    this.noteWrites();
    const requestId = currentRequestId() ?? null;
    return new RowSet(
      this.options.table,
      ['event_id', 'subject', 'payload', 'request_id'],
      messages.map((m) => [m.eventId, m.subject, JSON.stringify(m.payload), requestId]),
    );
  }

  /**
   * Events written outside a unit of work (`transaction`, `relayAfter`) would wait for the next
   * poll: refused, so that every write of events is relayed after its commit.
   */
  private noteWrites(): void {
    const unit = unitOfWork.getStore();
    if (!unit) throw new Error('outbox events written outside Outbox.transaction or Outbox.relayAfter: nothing would relay them after the commit');
    unit.wroteEvents = true;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.relay.request();
      void this.prune();
    }, this.options.pollMs);
    this.timer.unref();
    this.relay.request();
  }

  /**
   * One last relay of what is committed (no retries), then stop; leftovers go out through another
   * replica or at the next start. A relay that keeps failing (JetStream away) stops retrying at
   * once, so the shutdown stays within its deadline.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.relay.stop();
    await this.relayBatch().catch((err: unknown) => this.logger.warn(`last relay before shutdown failed: ${String(err)}`));
  }

  /** After a break in the connection, publish again what may have been lost with the server. */
  private async republishAfterReconnects(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'reconnect') await this.republishRecent('NATS is back');
    }
  }

  /**
   * In a cluster, after a stream elects a leader, publish again what may be missing from its store.
   * A node of nats-server 2.9 that was killed can come back with a store that lost messages its
   * raft log has ("JetStream failed to store a msg … expected sequence does not match store"), and
   * still be elected; the messages it lacks are then gone from the stream. Elections come in bursts
   * (one per stream and consumer): one re-publish after the burst has been quiet for a second.
   */
  private republishAfterLeaderElections(nc: NatsConnection): void {
    let timer: NodeJS.Timeout | undefined;
    let streams = new Set<string>();
    nc.subscribe(`${LEADER_ELECTED_ADVISORY}.*`, {
      callback: (_err, msg) => {
        streams.add(msg.subject.slice(LEADER_ELECTED_ADVISORY.length + 1));
        clearTimeout(timer);
        timer = setTimeout(() => {
          const elected = [...streams].join(', ');
          streams = new Set();
          void this.republishRecent(`a new leader for stream ${elected}`);
        }, 1_000);
        timer.unref();
      },
    });
  }

  /** Marks the events published within `retainMs` unpublished, so that the relay publishes them again (duplicates are dropped by message id). */
  private async republishRecent(reason: string): Promise<void> {
    if (this.relay.stopping) return;
    try {
      const rows = await sql<{ id: string }>(
        this.dataSource.manager,
        `UPDATE ${this.options.table} SET published_at = NULL
          WHERE published_at > now() - make_interval(secs => $1::double precision / 1000) RETURNING id`,
        [this.retainMs],
      );
      this.logger.log(`${reason}: publishing the last ${rows.length} events again (duplicates are dropped by message id)`);
      this.relay.request();
    } catch (err) {
      this.logger.warn(`could not queue recent events for re-publishing: ${String(err)}`);
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
  private async relayBatch(): Promise<number> {
    const { table, lockKey, batchSize = 500 } = this.options;
    const { relayed, inProcess } = await withConnection(this.pool, async (client) => {
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
        let inProcess: OutboxRow[] = [];
        if (rows.length > 0) {
          rows.sort((a, b) => Number(a.id) - Number(b.id));
          faultPoint('outbox:before-publish');
          // One connection publishes in order, so the stream stores the batch in outbox order.
          const outcomes = await Promise.allSettled(
            rows.map((row) => this.js.publish(row.subject, row.payload, { msgID: row.event_id, headers: requestIdHeaders(row.request_id) })),
          );
          faultPoint('outbox:after-publish');
          const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !messageIdInProcess(o.reason));
          if (failed) throw failed.reason;
          inProcess = rows.filter((_, i) => !stored(outcomes[i]));
          // Not stored yet: published again with the same message id until the stream stores it or answers its sequence.
          if (inProcess.length > 0) await client.query(`UPDATE ${table} SET published_at = NULL WHERE id = ANY($1::bigint[])`, [inProcess.map((r) => r.id)]);
        }
        await client.query('COMMIT');
        return { relayed: rows.length, inProcess: inProcess.length };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
    // The rest is committed; the relay's retries publish these again.
    if (inProcess > 0) {
      throw new Error(`${inProcess} of ${relayed} events not stored: the stream's leader holds their message ids as still in process (a leader change), so they go again`);
    }
    return relayed;
  }
}

/**
 * Whether JetStream stored the message, answering its sequence (a duplicate's is the stored copy's).
 * A clustered stream's leader records a message id when it proposes the message, with sequence 0
 * until the message is stored. A publish of that id meanwhile is answered either as a duplicate with
 * sequence 0 (nats-server 2.9) or with error 10158, "duplicate message id is in process" (later
 * versions). Neither says the message is stored. If a change of leader dropped the proposal, it
 * never will be, and before nats-server 2.11 (#6415, #6486) that answer repeats until the id leaves
 * the duplicate window. Taking it as stored loses the event.
 */
function stored(outcome: PromiseSettledResult<PubAck>): boolean {
  return outcome.status === 'fulfilled' && outcome.value.seq > 0;
}

/** JetStream's 10158 JSStreamDuplicateMessageConflict: "duplicate message id is in process" (see `stored`). */
function messageIdInProcess(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === 10158;
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
