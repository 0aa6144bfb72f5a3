/**
 * Metrics cost on the hot path: the same burst of `GET /api/v1/livechat/room?token=…` (an open room
 * that exists: gateway → NATS → rooms → PostgreSQL and back) with METRICS_ENABLED=true and false.
 * With `--logs`, the access log's cost instead: LOG_LEVEL=info (the gateway writes one line per
 * request) against warn (no line), metrics on in both; results in bench/results/logging-cost.json.
 *
 * Runs against a stack of its own (harness/stack.ts: its own database and nats-server, each
 * service a process from dist/, loopback only). Rounds go on, off, off, on, on, off… (so neither mode
 * always runs first): before each round the three services are restarted with METRICS_ENABLED set
 * for that round, warmed up, then
 * `--requests` requests are sent by `--concurrency` keep-alive connections, each request timed
 * from send to the last byte. With metrics on, each request is observed twice (the gateway's HTTP
 * histogram, rooms' RPC histogram); off, neither hook is installed.
 *
 *   npm run build
 *   npx tsx bench/metrics-cost.ts [--requests 3000] [--concurrency 16] [--rounds 3] [--warmup 300]
 *
 * Prints requests/s, p50 and p99 per mode (the median over its rounds, so that one round disturbed by
 * something else on the machine does not decide) and the on/off ratios, and writes
 * bench/results/metrics-cost.json. On a shared or busy machine the rounds differ by more than metrics
 * cost; so it also times, in this process and without I/O, what metrics add to one request: the
 * gateway's observation (three labels) plus rooms' (two), in nanoseconds.
 */
import { Agent, request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DURATION_BUCKETS, HistogramChildren, Metrics } from '@livechat/common';
import { Api } from '../harness/http.js';
import { ADMIN_TOKEN, TestStack } from '../harness/stack.js';
import { summarize, type Summary } from '../harness/percentiles.js';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '300' },
    // The same comparison for the access log instead: LOG_LEVEL=info (one line per request) vs warn (none).
    logs: { type: 'boolean', default: false },
  },
});
const REQUESTS = positive(args.requests, 'requests');
const CONCURRENCY = positive(args.concurrency, 'concurrency');
const ROUNDS = positive(args.rounds, 'rounds');
const WARMUP = Number(args.warmup);
const WHAT = args.logs ? 'access log' : 'metrics';
const RESULT_FILE = join(dirname(fileURLToPath(import.meta.url)), 'results', args.logs ? 'logging-cost.json' : 'metrics-cost.json');

type Mode = 'on' | 'off';

interface Round {
  mode: Mode;
  requestsPerSecond: number;
  latencyMs: Summary;
  failures: number;
}

let stack: TestStack | undefined;
const httpAgent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

async function main(): Promise<void> {
  console.log('starting the stack…');
  stack = await TestStack.start();
  const api = new Api(stack.baseUrl, ADMIN_TOKEN);
  await api.createAgent('bench-agent');
  const token = `metrics-cost-${Date.now().toString(36)}`;
  await api.registerVisitor({ token, name: 'Bench' });
  const opened = await api.room({ token });
  if (opened.status !== 200) throw new Error(`could not open the room: ${opened.status} ${JSON.stringify(opened.body)}`);
  const path = `/api/v1/livechat/room?${new URLSearchParams({ token })}`;

  const rounds: Round[] = [];
  const samples: Record<Mode, number[]> = { on: [], off: [] };
  for (let i = 0; i < ROUNDS * 2; i += 1) {
    const mode: Mode = ((i + 1) >> 1) % 2 === 0 ? 'on' : 'off';
    await restartWith(mode);
    await burst(stack.baseUrl, path, WARMUP);
    const started = performance.now();
    const { latencies, failures } = await burst(stack.baseUrl, path, REQUESTS);
    const seconds = (performance.now() - started) / 1000;
    samples[mode].push(...latencies);
    const round = { mode, requestsPerSecond: Math.round(latencies.length / seconds), latencyMs: summarize(latencies), failures };
    rounds.push(round);
    console.log(`round ${i + 1} ${WHAT} ${mode.padEnd(3)} ${String(round.requestsPerSecond).padStart(6)} req/s  p50 ${round.latencyMs.p50} ms  p99 ${round.latencyMs.p99} ms  failures ${failures}`);
  }

  const report = (mode: Mode) => {
    const own = rounds.filter((r) => r.mode === mode);
    const pooled = summarize(samples[mode]);
    return {
      requestsPerSecond: median(own.map((r) => r.requestsPerSecond)),
      p50Ms: median(own.map((r) => r.latencyMs.p50 ?? 0)),
      p99Ms: median(own.map((r) => r.latencyMs.p99 ?? 0)),
      pooledP50Ms: pooled.p50,
      pooledP99Ms: pooled.p99,
      failures: own.reduce((sum, r) => sum + r.failures, 0),
    };
  };
  const isolated = args.logs ? undefined : isolatedCost();
  const on = report('on');
  const off = report('off');
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 1000) / 1000);
  const result = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, loadAverage1m: Math.round(loadavg()[0] * 100) / 100, node: process.version },
    settings: { requests: REQUESTS, concurrency: CONCURRENCY, rounds: ROUNDS, warmup: WARMUP },
    on,
    off,
    // Above 1 for the latencies (below 1 for throughput) is what metrics cost.
    ratioOnOverOff: { requestsPerSecond: ratio(on.requestsPerSecond, off.requestsPerSecond), p50: ratio(on.p50Ms, off.p50Ms), p99: ratio(on.p99Ms, off.p99Ms) },
    isolatedNsPerRequest: isolated,
    rounds,
  };
  console.table({ [`${WHAT} on`]: on, [`${WHAT} off`]: off });
  console.log('on / off:', result.ratioOnOverOff);
  if (isolated !== undefined) console.log(`isolated: ${isolated} ns of metrics work per request (one HTTP and one RPC observation)`);
  mkdirSync(dirname(RESULT_FILE), { recursive: true });
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written to ${RESULT_FILE}`);
}

/** Nanoseconds for one gateway observation plus one rooms observation, as the hooks make them. */
function isolatedCost(): number {
  const metrics = new Metrics(true);
  const http = new HistogramChildren(
    metrics.histogram({ name: 'bench_http_seconds', help: 'bench', labelNames: ['route', 'method', 'status_class'], buckets: DURATION_BUCKETS }),
    ['route', 'method', 'status_class'],
  );
  const rpc = new HistogramChildren(
    metrics.histogram({ name: 'bench_rpc_seconds', help: 'bench', labelNames: ['subject', 'outcome'], buckets: DURATION_BUCKETS }),
    ['subject', 'outcome'],
  );
  const once = (i: number) => {
    const started = performance.now();
    http.observe((performance.now() - started + (i % 50)) / 1000, '/api/v1/livechat/room', 'GET', '2xx');
    rpc.observe((performance.now() - started + (i % 50)) / 1000, 'rooms.get-or-open', 'ok');
  };
  for (let i = 0; i < 200_000; i += 1) once(i); // warm-up
  const n = 1_000_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) once(i);
  return Math.round(Number(process.hrtime.bigint() - started) / n);
}

/** Restarts every service with metrics (or the access log) on or off (the same processes' settings otherwise). */
async function restartWith(mode: Mode): Promise<void> {
  const env: Record<string, string> = args.logs ? { LOG_LEVEL: mode === 'on' ? 'info' : 'warn' } : { METRICS_ENABLED: mode === 'on' ? 'true' : 'false' };
  for (const service of stack!.services) await service.stop('SIGTERM');
  httpAgent.destroy(); // no keep-alive socket to the old gateway
  const [rooms, ...rest] = [...stack!.all('rooms'), ...stack!.all('routing'), ...stack!.all('gateway')];
  await rooms.start(env);
  await Promise.all(rest.map((s) => s.start(env)));
  const metrics = await fetch(`${stack!.baseUrl}/metrics`);
  if (!args.logs && (metrics.status === 200) !== (mode === 'on')) throw new Error(`metrics ${mode}, but GET /metrics answered ${metrics.status}`);
}

/** `count` GETs over CONCURRENCY keep-alive connections; answers each one's latency in ms. */
async function burst(baseUrl: string, path: string, count: number): Promise<{ latencies: number[]; failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const t0 = performance.now();
      const status = await get(`${baseUrl}${path}`).catch(() => 0);
      if (status === 200) latencies.push(performance.now() - t0);
      else failures += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, failures };
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: httpAgent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : Math.round(((sorted[mid - 1] + sorted[mid]) / 2) * 10) / 10;
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the stack`);
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    httpAgent.destroy();
    await stack?.stop();
  });
