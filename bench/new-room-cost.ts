/**
 * What one new room costs the system: SQL statements and round trips per service, NATS requests,
 * JetStream publishes and consumer deliveries, and CPU time per process group, each divided by the
 * rooms opened. The itemised counterpart of the time-to-agent stage of `npm run bench`.
 *
 *   npm run build && npm run bench:new-room-cost -- [--rooms 300] [--rate 50] [--agents 20]
 *
 * A stack of its own (harness/stack.ts), every service loaded with bench/support/count-queries.mjs
 * (counts each pg round trip and statement by kind). `--agents` agents without a limit; `--rooms`
 * visitors are registered first (not counted), then each opens a room, at `--rate` per second (open
 * loop), and the script waits until every room has its `room.assigned` and the system is quiet (outboxes
 * relayed, consumers caught up). Counts are read before and after that window: the pg counts from the
 * services (SIGUSR2), NATS requests from their RPC metrics, publishes from the streams, deliveries from
 * the durable consumers, CPU from /proc (bench/support/cpu.ts). Prints a table; `--json` the raw figures.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { CONSUMERS, ROOM_EVENTS, STREAMS, type RoomEvent } from '@livechat/contracts';
import { Api } from '../harness/http.js';
import { Scrape } from '../harness/prometheus.js';
import { ADMIN_TOKEN, type TestStack } from '../harness/stack.js';
import { CpuWindow } from './support/cpu.js';
import { openLoop, parseJson, send, sleep } from './support/http-load.js';
import { onStop, runBenchmark, startStack } from './support/lifetime.js';

const { values: args } = parseArgs({
  options: {
    rooms: { type: 'string', default: '300' },
    rate: { type: 'string', default: '50' },
    agents: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});
const ROOMS = Number(args.rooms);
const RATE = Number(args.rate);
const HOOK = join(dirname(fileURLToPath(import.meta.url)), 'support', 'count-queries.mjs');

interface PgCounts {
  roundTrips: number;
  statements: number;
  byKind: Record<string, number>;
}

runBenchmark(async () => {
  const countDir = mkdtempSync(join(tmpdir(), 'livechat-counts-'));
  onStop(() => rmSync(countDir, { recursive: true, force: true }));
  const stack = await startStack({ nodeArgs: ['--import', HOOK], env: { LIVECHAT_COUNT_DIR: countDir, LIVECHAT_FAULT: '' } });
  const api = new Api(stack.baseUrl, ADMIN_TOKEN);
  for (let i = 0; i < Number(args.agents); i += 1) await api.createAgent(`cost-agent-${i}`);

  const nc = await connect({ servers: stack.nats.url });
  onStop(() => nc.close());
  const assigned = new Set<string>();
  nc.subscribe(ROOM_EVENTS.assigned, {
    callback: (err, msg) => {
      if (!err) assigned.add(msg.json<RoomEvent>().room._id);
    },
  });

  // Warm up (JIT, pools, prepared statements), then register the measured visitors, uncounted.
  await openRooms(stack, 'warmup', 30, 30, assigned);
  const tokens = Array.from({ length: ROOMS }, (_, i) => `cost-${Date.now().toString(36)}-${i}`);
  for (let i = 0; i < tokens.length; i += 50) {
    await Promise.all(tokens.slice(i, i + 50).map((token) => send(stack.baseUrl, 'POST', '/api/v1/livechat/visitor', { visitor: { token, name: token } })));
  }
  await quiet(stack);

  const before = await snapshot(stack, countDir);
  const cpu = await CpuWindow.start(processGroups(stack), stack.db.url, stack.db.name);
  const started = performance.now();
  const { servedInAnswer, opened } = await openRooms(stack, 'measured', ROOMS, RATE, assigned, tokens);
  await quiet(stack);
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = await cpu.stop();
  const after = await snapshot(stack, countDir);

  const per = (n: number) => Math.round((n / opened) * 100) / 100;
  const rows: [string, string][] = [];
  rows.push(['rooms opened (served in the GET answer)', `${opened} (${servedInAnswer})`]);
  for (const service of ['rooms', 'routing'] as const) {
    const a = after.pg[service];
    const b = before.pg[service];
    rows.push([`${service}: SQL round trips / statements per room`, `${per(a.roundTrips - b.roundTrips)} / ${per(a.statements - b.statements)}`]);
    const kinds = Object.entries(a.byKind)
      .map(([kind, n]) => [kind, n - (b.byKind[kind] ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((x, y) => y[1] - x[1]);
    for (const [kind, n] of kinds) rows.push([`    ${kind}`, String(per(n))]);
  }
  for (const [subject, n] of Object.entries(after.rpc)) {
    const d = n - (before.rpc[subject] ?? 0);
    const latency = `handled p50 ${quantile(before.buckets[subject], after.buckets[subject], 0.5)}, p99 ${quantile(before.buckets[subject], after.buckets[subject], 0.99)}`;
    if (d > 0) rows.push([`NATS request ${subject} per room`, `${per(d)} (${latency})`]);
  }
  for (const [stream, n] of Object.entries(after.streams)) rows.push([`JetStream publishes to ${stream} per room`, String(per(n - before.streams[stream]))]);
  for (const [durable, n] of Object.entries(after.deliveries)) rows.push([`deliveries to ${durable} per room`, String(per(n - before.deliveries[durable]))]);
  const total = Object.entries(cpuMs).filter(([k]) => k !== 'load generator').reduce((s, [, v]) => s + v, 0);
  rows.push([`CPU ms per room (window ${seconds.toFixed(1)} s)`, `${per(total)} total without the load generator`]);
  for (const [group, ms] of Object.entries(cpuMs)) rows.push([`    ${group}`, String(per(ms))]);

  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
  if (args.json) console.log(JSON.stringify({ rooms: opened, servedInAnswer, before, after, cpuMs }, null, 2));
});

/** Opens one room per token at `rate`/s and waits for each room's room.assigned. */
async function openRooms(stack: TestStack, tag: string, count: number, rate: number, assigned: Set<string>, given?: string[]) {
  const tokens = given ?? Array.from({ length: count }, (_, i) => `cost-${tag}-${Date.now().toString(36)}-${i}`);
  if (!given) await Promise.all(tokens.map((token) => send(stack.baseUrl, 'POST', '/api/v1/livechat/visitor', { visitor: { token, name: token } })));
  const replies: Promise<{ status: number; text: string }>[] = [];
  await openLoop(tokens.length, rate, (i) => replies.push(send(stack.baseUrl, 'GET', `/api/v1/livechat/room?token=${tokens[i]}`)));
  const bodies = (await Promise.all(replies)).map((r) => parseJson(r.text));
  const rids = bodies.filter((b) => b.newRoom).map((b) => b.room._id as string);
  const deadline = performance.now() + 30_000;
  while (rids.some((rid) => !assigned.has(rid)) && performance.now() < deadline) await sleep(20);
  const missing = rids.filter((rid) => !assigned.has(rid)).length;
  if (missing > 0) throw new Error(`${missing} of ${rids.length} rooms were never assigned`);
  return { opened: rids.length, servedInAnswer: bodies.filter((b) => b.newRoom && b.room.servedBy).length };
}

/** Outboxes relayed and every durable consumer caught up, then a moment for the last acks. */
async function quiet(stack: TestStack): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const [{ backlog }] = await stack.db.query<{ backlog: number }>(
      `SELECT (SELECT count(*) FROM rooms.outbox WHERE published_at IS NULL) + (SELECT count(*) FROM routing.outbox WHERE published_at IS NULL) AS backlog`,
    );
    const pending = Object.values(await consumerState(stack)).reduce((s, c) => s + c.pending, 0);
    if (Number(backlog) === 0 && pending === 0) break;
    if (performance.now() > deadline) throw new Error('the system did not become quiet');
    await sleep(50);
  }
  await sleep(300);
}

async function consumerState(stack: TestStack): Promise<Record<string, { delivered: number; pending: number }>> {
  const nc = await connect({ servers: stack.nats.url });
  try {
    const jsm = await jetstreamManager(nc);
    const state: Record<string, { delivered: number; pending: number }> = {};
    for (const [stream, durable] of [[STREAMS.events.name, CONSUMERS.routingRoomEvents], [STREAMS.decisions.name, CONSUMERS.roomsDecisions]]) {
      const info = await jsm.consumers.info(stream, durable);
      state[durable] = { delivered: info.delivered.consumer_seq, pending: info.num_pending + info.num_ack_pending };
    }
    return state;
  } finally {
    await nc.close();
  }
}

async function snapshot(stack: TestStack, countDir: string) {
  for (const f of readdirSync(countDir)) rmSync(join(countDir, f));
  const services = [...stack.all('rooms'), ...stack.all('routing')];
  for (const s of services) process.kill(s.pid!, 'SIGUSR2');
  const deadline = performance.now() + 5_000;
  while (readdirSync(countDir).length < services.length && performance.now() < deadline) await sleep(20);
  const pg: Record<'rooms' | 'routing', PgCounts> = { rooms: emptyCounts(), routing: emptyCounts() };
  for (const f of readdirSync(countDir)) {
    const counts = JSON.parse(readFileSync(join(countDir, f), 'utf8')) as PgCounts;
    const into = pg[f.startsWith('rooms') ? 'rooms' : 'routing'];
    into.roundTrips += counts.roundTrips;
    into.statements += counts.statements;
    for (const [k, v] of Object.entries(counts.byKind)) into.byKind[k] = (into.byKind[k] ?? 0) + v;
  }
  const rpc: Record<string, number> = {};
  /** Cumulative counts per subject and bucket (`le`), for the RPCs' latency quantiles. */
  const buckets: Record<string, Record<string, number>> = {};
  for (const s of services) {
    const scrape = await Scrape.of(s.healthUrl);
    for (const sample of scrape.samples) {
      if (sample.name === 'livechat_rpc_duration_seconds_count') rpc[sample.labels.subject] = (rpc[sample.labels.subject] ?? 0) + sample.value;
      if (sample.name === 'livechat_rpc_duration_seconds_bucket') {
        const b = (buckets[sample.labels.subject] ??= {});
        b[sample.labels.le] = (b[sample.labels.le] ?? 0) + sample.value;
      }
    }
  }
  const nc = await connect({ servers: stack.nats.url });
  const streams: Record<string, number> = {};
  try {
    const jsm = await jetstreamManager(nc);
    for (const stream of [STREAMS.events.name, STREAMS.decisions.name]) streams[stream] = (await jsm.streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
  const deliveries = Object.fromEntries(Object.entries(await consumerState(stack)).map(([k, v]) => [k, v.delivered]));
  return { pg, rpc, buckets, streams, deliveries };
}

/** The bucket bound under which a share `q` of the window's requests fell (Prometheus-style, by bucket). */
function quantile(before: Record<string, number> = {}, after: Record<string, number>, q: number): string {
  const bounds = Object.keys(after).sort((a, b) => Number(a === '+Inf' ? Infinity : a) - Number(b === '+Inf' ? Infinity : b));
  const total = (after['+Inf'] ?? 0) - (before['+Inf'] ?? 0);
  for (const le of bounds) if ((after[le] ?? 0) - (before[le] ?? 0) >= q * total) return le === '+Inf' ? '> max' : `≤ ${Number(le) * 1000} ms`;
  return '-';
}

function emptyCounts(): PgCounts {
  return { roundTrips: 0, statements: 0, byKind: {} };
}

function processGroups(stack: TestStack): Record<string, number[]> {
  const groups: Record<string, number[]> = {};
  for (const s of stack.services) (groups[s.name] ??= []).push(s.pid!);
  groups.nats = [stack.nats.pid!];
  return groups;
}
