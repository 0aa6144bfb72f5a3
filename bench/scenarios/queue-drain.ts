/**
 * Queue drain: `rooms` rooms wait (every agent is not-available, and
 * `Livechat_accept_chats_with_no_agents` lets them open); then `agents` agents without a capacity
 * limit become available at once. Measured: from the first availability change to the last of those
 * rooms' `room.assigned` (seen on a core NATS subscription), and whether routing decided them in
 * queue order (its decisions, read back from their stream in sequence, against the queue's order
 * in routing's table).
 *
 * The reference: the same number of single-row UPDATE round trips to PostgreSQL in one transaction,
 * on this machine at that moment (the floor of any design that writes one row per assignment).
 */
import { performance } from 'node:perf_hooks';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { ROOM_EVENTS, STREAMS, type RoomEvent } from '@livechat/contracts';
import { Api } from '../../harness/http.js';
import { readStream } from '../../harness/jetstream.js';
import type { TestDatabase } from '../../harness/database.js';
import { ADMIN_TOKEN } from '../../harness/stack.js';
import { onStop } from '../support/lifetime.js';
import { parseJson, send, sleep } from '../support/http-load.js';

export interface QueueDrainOptions {
  baseUrl: string;
  natsUrl: string;
  db: TestDatabase;
  rooms: number;
  agents: number;
  timeoutMs: number;
}

export interface QueueDrainResult {
  rooms: number;
  agents: number;
  drainSeconds: number | null;
  served: number;
  /** Decisions whose room was queued before the room decided just before them: 0 when served in order. */
  outOfOrder: number;
  referenceSeconds: number;
}

export async function measureQueueDrain(o: QueueDrainOptions, log: (line: string) => void): Promise<QueueDrainResult> {
  const api = new Api(o.baseUrl, ADMIN_TOKEN);
  for (const agent of await api.agents()) await api.setAvailability(agent._id, 'not-available');
  await api.setSetting('Livechat_accept_chats_with_no_agents', true);
  const agentIds: string[] = [];
  for (let i = 0; i < o.agents; i += 1) {
    const id = await api.createAgent(`drain-agent-${Date.now().toString(36)}-${i}`);
    await api.setAvailability(id, 'not-available');
    agentIds.push(id);
  }

  const tag = Date.now().toString(36);
  const rids = new Set<string>();
  await inParallel(o.rooms, 50, async (i) => {
    const token = `drain-${tag}-${i}`;
    const registered = await send(o.baseUrl, 'POST', '/api/v1/livechat/visitor', { visitor: { token } });
    if (registered.status !== 200) throw new Error(`registering a visitor: ${registered.status} ${registered.text}`);
    const res = await send(o.baseUrl, 'GET', `/api/v1/livechat/room?token=${token}`);
    const rid = parseJson(res.text).room?._id;
    if (res.status !== 200 || !rid) throw new Error(`opening a room: ${res.status} ${res.text}`);
    rids.add(rid);
  });
  log(`  ${rids.size} rooms opened; waiting until routing has queued them all`);
  await until(o.timeoutMs, async () => (await queuedCount(o.db, [...rids])) === rids.size);

  const served = new Set<string>();
  const nc = await connect({ servers: o.natsUrl });
  onStop(() => nc.close());
  nc.subscribe(ROOM_EVENTS.assigned, {
    callback: (err, msg) => {
      if (err) return;
      const id = msg.json<RoomEvent>().room._id;
      if (rids.has(id)) served.add(id);
    },
  });
  await nc.flush();

  const t0 = performance.now();
  await Promise.all(agentIds.map((id) => api.setAvailability(id, 'available')));
  const drained = await until(o.timeoutMs, async () => served.size === rids.size, 10);
  const drainSeconds = drained ? round((performance.now() - t0) / 1000) : null;
  log(`  drain: ${served.size}/${rids.size} served in ${drainSeconds ?? `more than ${o.timeoutMs / 1000}`} s`);

  const outOfOrder = await decisionsOutOfOrder(o, rids);
  const referenceSeconds = await updateRoundTrips(o.db.url, o.rooms);
  return { rooms: rids.size, agents: o.agents, drainSeconds, served: served.size, outOfOrder, referenceSeconds };
}

async function queuedCount(db: TestDatabase, roomIds: string[]): Promise<number> {
  const [{ count }] = await db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM routing.inquiries WHERE room_id = ANY($1) AND status = 'queued'`,
    [roomIds],
  );
  return count;
}

/** Routing's decisions for these rooms, in stream order, compared with routing's queue order. */
async function decisionsOutOfOrder(o: QueueDrainOptions, rids: Set<string>): Promise<number> {
  const queue = await o.db.query<{ room_id: string }>(
    `SELECT room_id FROM routing.inquiries WHERE room_id = ANY($1) ORDER BY queued_at, id`,
    [[...rids]],
  );
  const rank = new Map(queue.map((row, i) => [row.room_id, i]));
  const decided = (await readStream(o.natsUrl, STREAMS.decisions.name))
    .map((e) => e.data as { roomId: string; agent?: unknown; version: number })
    .filter((d) => rids.has(d.roomId) && d.agent && d.version === 1)
    .map((d) => rank.get(d.roomId)!);
  let outOfOrder = 0;
  for (let i = 1; i < decided.length; i += 1) if (decided[i] < decided[i - 1]) outOfOrder += 1;
  return outOfOrder + (rids.size - decided.length);
}

async function updateRoundTrips(databaseUrl: string, count: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE TEMP TABLE drain_reference (id int PRIMARY KEY, n int NOT NULL)`);
    await client.query(`INSERT INTO drain_reference SELECT g, 0 FROM generate_series(1, $1::int) g`, [count]);
    const t0 = performance.now();
    await client.query('BEGIN');
    for (let i = 1; i <= count; i += 1) await client.query({ name: 'drain-reference', text: 'UPDATE drain_reference SET n = n + 1 WHERE id = $1', values: [i] });
    await client.query('COMMIT');
    return round((performance.now() - t0) / 1000);
  } finally {
    await client.end();
  }
}

async function inParallel(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await fn(next++);
  }));
}

async function until(timeoutMs: number, check: () => Promise<boolean>, everyMs = 100): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}

const round = (s: number) => Math.round(s * 1000) / 1000;
