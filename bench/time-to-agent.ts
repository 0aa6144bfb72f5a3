/**
 * Time to agent: how long a visitor waits, from asking for a chat to having an agent.
 *
 * For each room: t0 is taken just before `GET /api/v1/livechat/room?token=…` is sent (the visitor is
 * registered beforehand, untimed); time to agent is the arrival of that room's `room.assigned` event
 * on a core NATS subscription minus t0. The GET's own latency (any status) is recorded too.
 *
 * Open loop: rooms are opened on a fixed timeline at R per second whatever the replies, one phase
 * per rate with fresh visitors, after an untimed warm-up. After the last send it waits at most
 * `--grace-ms` for stragglers; an opened room whose `room.assigned` never came is "lost".
 *
 * Runs against a stack of its own (test/support/stack.ts: its own database and nats-server, each
 * service a process from dist/, loopback only), with `--agents` agents without a capacity limit.
 *
 *   npm run build
 *   npm run bench:time-to-agent -- [--rooms 600] [--rates 50,200] [--agents 20] [--grace-ms 15000] [--warmup 20]
 *   (or BENCH_ROOMS, BENCH_RATES, BENCH_AGENTS)
 *
 * Prints a table per rate and writes bench/results/time-to-agent.json.
 */
import { execFileSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ROOM_EVENTS, type RoomEvent } from '@livechat/contracts';
import { Api } from '../test/support/http.js';
import { ADMIN_TOKEN, TestStack } from '../test/support/stack.js';
import { summarize } from './support/percentiles.js';

const { values: args } = parseArgs({
  options: {
    rooms: { type: 'string', default: process.env.BENCH_ROOMS ?? '600' },
    rates: { type: 'string', default: process.env.BENCH_RATES ?? '50' },
    agents: { type: 'string', default: process.env.BENCH_AGENTS ?? '20' },
    'grace-ms': { type: 'string', default: '15000' },
    warmup: { type: 'string', default: '20' },
  },
});
const ROOMS = positive(args.rooms, 'rooms');
const RATES = args.rates.split(',').map((r) => positive(r, 'rates'));
const AGENTS = positive(args.agents, 'agents');
const GRACE_MS = positive(args['grace-ms'], 'grace-ms');
const WARMUP = Number(args.warmup);
const RESULT_FILE = join(dirname(fileURLToPath(import.meta.url)), 'results', 'time-to-agent.json');

const httpAgent = new Agent({ keepAlive: true, maxSockets: 512 });
const assignedAt = new Map<string, number>(); // room id → first room.assigned arrival
const assignedTokens = new Set<string>(); // visitor tokens of the assigned rooms
let repeatedAssigned = 0; // room.assigned seen again for a room (a re-delivery or a second assignment)

interface Attempt {
  token: string;
  t0: number;
  status?: number; // undefined: no reply yet
  outcome?: string; // 'opened', or what went wrong
  getMs?: number;
  rid?: string;
}

async function main(): Promise<void> {
  const runId = Date.now().toString(36);
  const stack = await startStack();
  const nc = await connect({ servers: stack.nats.url });
  cleanup.push(() => nc.close());
  subscribeAssigned(nc);

  const api = new Api(stack.baseUrl, ADMIN_TOKEN);
  for (let i = 0; i < AGENTS; i += 1) await api.createAgent(`bench-agent-${i}`);

  if (WARMUP > 0) await runPhase(stack.baseUrl, `${runId}-warmup`, WARMUP, 20);
  const phases = [];
  for (const rate of RATES) {
    const attempts = await runPhase(stack.baseUrl, `${runId}-${rate}`, ROOMS, rate);
    phases.push({ rate, ...report(attempts) });
  }

  printTable(phases);
  mkdirSync(dirname(RESULT_FILE), { recursive: true });
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, platform: process.platform };
  const config = { rooms: ROOMS, agents: AGENTS, graceMs: GRACE_MS, warmupRooms: WARMUP, routingReplicas: 1 };
  const result = { timestamp: new Date().toISOString(), commit: gitCommit(), machine, config, repeatedAssigned, phases };
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten ${RESULT_FILE}`);
}

function subscribeAssigned(nc: NatsConnection): void {
  nc.subscribe(ROOM_EVENTS.assigned, {
    callback: (err, msg) => {
      const at = performance.now();
      if (err) return;
      const { room } = msg.json<RoomEvent>();
      assignedTokens.add(room.v.token);
      if (assignedAt.has(room._id)) repeatedAssigned += 1;
      else assignedAt.set(room._id, at);
    },
  });
}

/** Registers `count` fresh visitors, then opens one room each at `rate` per second, open loop. */
async function runPhase(baseUrl: string, tag: string, count: number, rate: number): Promise<Attempt[]> {
  const tokens = Array.from({ length: count }, (_, i) => `bench-${tag}-${i}`);
  for (let i = 0; i < count; i += 25) {
    await Promise.all(
      tokens.slice(i, i + 25).map(async (token) => {
        const res = await send(baseUrl, 'POST', '/api/v1/livechat/visitor', { visitor: { token, name: `Visitor ${token}` } });
        if (res.status !== 200) throw new Error(`registering a visitor: ${res.status} ${res.text}`);
      }),
    );
  }

  const attempts: Attempt[] = [];
  let pending = 0;
  const start = performance.now() + 50;
  for (let i = 0; i < count; i += 1) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const attempt: Attempt = { token: tokens[i], t0: performance.now() };
    attempts.push(attempt);
    pending += 1;
    send(baseUrl, 'GET', `/api/v1/livechat/room?token=${encodeURIComponent(attempt.token)}`)
      .then(({ status, text }) => {
        attempt.getMs = performance.now() - attempt.t0;
        attempt.status = status;
        const body = parse(text);
        if (status === 200 && body.newRoom === true && body.room?._id) [attempt.outcome, attempt.rid] = ['opened', body.room._id];
        else attempt.outcome = status === 200 ? `200 newRoom=${body.newRoom}` : `${status} ${body.errorType ?? body.error ?? text.slice(0, 60)}`;
      })
      .catch((err: NodeJS.ErrnoException) => (attempt.outcome = `error ${err.code ?? err.message}`))
      .finally(() => (pending -= 1));
  }

  const deadline = performance.now() + GRACE_MS;
  const done = () => pending === 0 && attempts.every((a) => !a.rid || assignedAt.has(a.rid));
  while (!done() && performance.now() < deadline) await sleep(50);
  for (const a of attempts) a.outcome ??= 'no reply';
  return attempts;
}

function report(attempts: Attempt[]) {
  const opened = attempts.filter((a) => a.rid);
  const times = opened.flatMap((a) => (assignedAt.has(a.rid!) ? [assignedAt.get(a.rid!)! - a.t0] : []));
  const failures: Record<string, number> = {};
  for (const a of attempts) if (a.outcome !== 'opened') failures[a.outcome!] = (failures[a.outcome!] ?? 0) + 1;
  const get = summarize(attempts.flatMap((a) => (a.getMs === undefined ? [] : [a.getMs])));
  const sendSpanS = (attempts.at(-1)!.t0 - attempts[0].t0) / 1000;
  return {
    rooms: attempts.length,
    opened: opened.length,
    assigned: times.length,
    lost: opened.length - times.length,
    // the GET failed, yet the visitor's room opened and was assigned (seen so far)
    assignedWithoutReply: attempts.filter((a) => !a.rid && assignedTokens.has(a.token)).length,
    failures,
    achievedRate: Math.round((attempts.length - 1) / sendSpanS),
    timeToAgentMs: summarize(times),
    getMs: { p50: get.p50, p99: get.p99, max: get.max },
  };
}

function printTable(phases: ({ rate: number } & ReturnType<typeof report>)[]): void {
  const header = ['rate/s', 'sent/s', 'rooms', 'assigned', 'lost', 'failed', 'tta p50', 'p90', 'p99', 'max', 'GET p50', 'GET p99'];
  const rows = phases.map((p) => [
    p.rate, p.achievedRate, p.rooms, p.assigned, p.lost, p.rooms - p.opened,
    p.timeToAgentMs.p50, p.timeToAgentMs.p90, p.timeToAgentMs.p99, p.timeToAgentMs.max, p.getMs.p50, p.getMs.p99,
  ].map((v) => String(v ?? '-')));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(`\ntime to agent (ms), ${AGENTS} agents, 1 routing replica, ${process.version}, ${cpus().length} CPUs`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  for (const p of phases) {
    if (Object.keys(p.failures).length) console.log(`rate ${p.rate}: failed ${JSON.stringify(p.failures)}`);
    if (p.assignedWithoutReply) console.log(`rate ${p.rate}: ${p.assignedWithoutReply} rooms assigned whose GET did not answer them`);
  }
  if (repeatedAssigned) console.log(`room.assigned repeated for an already assigned room: ${repeatedAssigned}`);
}

// ── the stack's lifetime: stopped at the end, on errors and on SIGINT/SIGTERM ──

const cleanup: (() => unknown)[] = [];
let starting: Promise<TestStack> | undefined;
let stopping: Promise<void> | undefined;

function startStack(): Promise<TestStack> {
  console.log('starting the stack…');
  starting = TestStack.start({ replicas: { routing: 1 } });
  return starting;
}

function shutdown(): Promise<void> {
  stopping ??= (async () => {
    for (const fn of cleanup) await Promise.resolve(fn()).catch(() => undefined);
    httpAgent.destroy();
    const stack = await starting?.catch(() => undefined); // a failed start stopped itself
    await stack?.stop();
  })();
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the stack`);
    void shutdown().finally(() => process.exit(130));
  });
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(shutdown);

// ── small helpers ──

function send(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { 'content-type': 'application/json' };
    const req = request(`${baseUrl}${path}`, { method, headers, agent: httpAgent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function parse(text: string): Record<string, any> {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return n;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
