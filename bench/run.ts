/**
 * `npm run bench`: the product against references, in one invocation on one machine, so every
 * figure can be read as a ratio (the machine is shared and noisy; absolute numbers drift).
 *
 *   npm run build && npm run bench -- [--quick] [--only hot-path,scale,time-to-agent,queue-drain]
 *
 * One stack of its own (harness/stack.ts: own database and nats-server on free ports, each
 * service one process from dist/, loopback only), and beside it, on the same database and NATS:
 *   (a) reference `fastify-pg`: one process, Fastify + pg, the same lookup and JSON;
 *   (b) reference `split`: Fastify → NATS request → a pg process, hand-written without Nest.
 * Stages, in this order (the database grows between them):
 *   1. scale@small   `--scale-small` visitors with open rooms: the product's hot path, and (a)'s;
 *   2. hot path      `--visitors` (100 000): (a), (b), the product; `--rounds` rounds, medians;
 *   3. scale@large   `--scale-large` (1 000 000): as 1; the ratio of p99s;
 *   4. time to agent new visitors at each of `--rates`, `--agents` agents;
 *   5. queue drain   `--drain-rooms` rooms waiting, then `--drain-agents` agents become available;
 *   6. messages      `--chat-rooms` visitors writing at once, and the history of a room of
 *                    `--history-messages` messages; against reference (c), Fastify + pg doing the same
 *                    insert and room update in one transaction.
 * `--env K=V,…` sets environment variables of the product's services (what the access log costs: LOG_LEVEL=warn).
 * Prints a table and writes bench/results.json (with every run's raw figures).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Api } from '../harness/http.js';
import { ADMIN_TOKEN } from '../harness/stack.js';
import { freePort } from '../harness/ports.js';
import { runBenchmark, startScript, startStack } from './support/lifetime.js';
import type { ProcessGroup } from './support/cpu.js';
import { assertWrkInstalled } from './support/wrk.js';
import { seedOpenRooms } from './support/seed.js';
import { assertSameReplies, measureHotPath, type Target } from './scenarios/hot-path.js';
import { measureTimeToAgent } from './scenarios/time-to-agent.js';
import { measureQueueDrain } from './scenarios/queue-drain.js';
import { measureMessages } from './scenarios/messages.js';
import { renderTable, summaryTable } from './support/summary-table.js';

const STAGES = ['hot-path', 'scale', 'time-to-agent', 'queue-drain', 'messages'] as const;
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: STAGES.join(',') },
    visitors: { type: 'string' },
    'scale-small': { type: 'string' },
    'scale-large': { type: 'string' },
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    rates: { type: 'string', default: '50,100,200,400' },
    agents: { type: 'string', default: '20' },
    'drain-rooms': { type: 'string' },
    'drain-agents': { type: 'string', default: '10' },
    'chat-rooms': { type: 'string', default: '200' },
    'history-messages': { type: 'string' },
    out: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), 'results.json') },
    // Environment for the product's services, e.g. `--env LOG_LEVEL=warn,METRICS_ENABLED=false` to see what the access log and metrics cost.
    env: { type: 'string', default: '' },
  },
});
// --quick: the same stages, small enough to check the script works in about two minutes.
const quick = args.quick;
const num = (value: string | undefined, full: number, small: number) => Number(value ?? (quick ? small : full));
const config = {
  visitors: num(args.visitors, 100_000, 5_000),
  scaleSmall: num(args['scale-small'], 10_000, 1_000),
  scaleLarge: num(args['scale-large'], 1_000_000, 20_000),
  connections: Number(args.connections),
  seconds: num(args.seconds, 8, 2),
  warmupSeconds: quick ? 1 : 2,
  rounds: num(args.rounds, 3, 1),
  rates: args.rates.split(',').map(Number),
  ttaSeconds: quick ? 1 : 5,
  agents: Number(args.agents),
  drainRooms: num(args['drain-rooms'], 10_000, 500),
  drainAgents: Number(args['drain-agents']),
  chatRooms: Number(args['chat-rooms']),
  historyMessages: num(args['history-messages'], 10_000, 2_000),
};
const only = new Set(args.only.split(','));
for (const stage of only) if (!(STAGES as readonly string[]).includes(stage)) throw new Error(`--only: unknown stage ${stage} (${STAGES.join(', ')})`);

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

runBenchmark(async () => {
  if (only.has('hot-path') || only.has('scale')) assertWrkInstalled();
  log('starting the stack and the references…');
  const productEnv = Object.fromEntries(args.env.split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  // The outbox's safety-net poll at its production default (the tests poll every 200 ms).
  const stack = await startStack({ env: { LIVECHAT_FAULT: '', OUTBOX_POLL_MS: '1000', ...productEnv } });
  const env = { DATABASE_URL: stack.db.url, NATS_URL: stack.nats.url };
  const [portA, portB] = [await freePort(), await freePort()];
  const fastifyPg = await startScript('references/fastify-pg.ts', { ...env, PORT: String(portA) });
  const splitDb = await startScript('references/split-db.ts', env);
  const splitHttp = await startScript('references/split-http.ts', { ...env, PORT: String(portB) });
  // CPU per request is read from /proc for each process that serves a target (PostgreSQL: every
  // backend of the benchmark's database; NATS: the benchmark's own server).
  const one = (name: string, pid: () => number | undefined): ProcessGroup => ({ name, pids: () => [pid()].filter((p): p is number => p !== undefined) });
  const postgres: ProcessGroup = {
    name: 'postgres',
    pids: async () => (await stack.db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)).map((r) => r.pid),
  };
  const nats = one('nats', () => stack.nats.pid);
  const product: Target = {
    name: 'product',
    baseUrl: stack.baseUrl,
    processes: [one('gateway', () => stack.service('gateway').pid), one('rooms', () => stack.service('rooms').pid), nats, postgres],
  };
  const refA: Target = { name: 'reference (a) fastify-pg', baseUrl: `http://127.0.0.1:${portA}`, processes: [one('fastify-pg', () => fastifyPg.pid), postgres] };
  const refB: Target = {
    name: 'reference (b) split',
    baseUrl: `http://127.0.0.1:${portB}`,
    processes: [one('split-http', () => splitHttp.pid), one('split-db', () => splitDb.pid), nats, postgres],
  };
  const portC = await freePort();
  const referenceC = only.has('messages') ? await startScript('references/messages.ts', { ...env, PORT: String(portC) }) : null;
  const loop = { connections: config.connections, seconds: config.seconds, warmupSeconds: config.warmupSeconds, rounds: config.rounds };
  const seed = (total: number) => seedOpenRooms(stack.db, total, (line) => log(`  ${line}`));
  const results: Record<string, unknown> = {};

  if (only.has('scale')) {
    log(`scale: ${config.scaleSmall} visitors with open rooms`);
    await seed(config.scaleSmall);
    await assertSameReplies([product, refA, refB], config.scaleSmall);
    results.scaleSmall = await measureHotPath([product, refA], { ...loop, visitors: config.scaleSmall }, log);
  }
  if (only.has('hot-path')) {
    log(`hot path: ${config.visitors} visitors with open rooms`);
    await seed(config.visitors);
    await assertSameReplies([product, refA, refB], config.visitors);
    results.hotPath = await measureHotPath([refA, refB, product], { ...loop, visitors: config.visitors }, log);
  }
  if (only.has('scale')) {
    log(`scale: ${config.scaleLarge} visitors with open rooms`);
    const total = await seed(config.scaleLarge);
    results.scaleLarge = await measureHotPath([product, refA], { ...loop, visitors: total }, log);
  }
  if (only.has('time-to-agent')) {
    log(`time to agent: ${config.agents} agents, rates ${config.rates.join(', ')}/s`);
    const api = new Api(stack.baseUrl, ADMIN_TOKEN);
    for (let i = 0; i < config.agents; i += 1) await api.createAgent(`bench-agent-${i}`);
    const seeded = await seed(Math.min(config.visitors, config.scaleSmall));
    results.timeToAgent = await measureTimeToAgent(
      {
        baseUrl: stack.baseUrl,
        natsUrl: stack.nats.url,
        referenceUrl: refB.baseUrl,
        seededVisitors: seeded,
        rates: config.rates,
        seconds: config.ttaSeconds,
        graceMs: 15_000,
        productPids: { ...Object.fromEntries((['gateway', 'rooms', 'routing'] as const).map((name) => [name, stack.all(name).map((p) => p.pid!)])), nats: [stack.nats.pid!] },
        referencePids: { 'reference (b)': [splitHttp.pid!, splitDb.pid!] },
        database: { url: stack.db.url, name: stack.db.name },
      },
      log,
    );
  }
  if (only.has('queue-drain')) {
    log(`queue drain: ${config.drainRooms} rooms, ${config.drainAgents} agents`);
    results.queueDrain = await measureQueueDrain(
      { baseUrl: stack.baseUrl, natsUrl: stack.nats.url, db: stack.db, rooms: config.drainRooms, agents: config.drainAgents, timeoutMs: 120_000 },
      log,
    );
  }

  if (only.has('messages')) {
    log(`messages: ${config.chatRooms} rooms chatting, a history of ${config.historyMessages} messages`);
    await seed(config.chatRooms + 1);
    const pidsOf = (...names: ('gateway' | 'rooms')[]) => () => names.flatMap((n) => stack.all(n).map((s) => s.pid ?? 0)).filter(Boolean);
    results.messages = await measureMessages(
      [
        { name: 'product', baseUrl: stack.baseUrl, pids: pidsOf('gateway', 'rooms') },
        { name: 'reference (c) fastify-pg messages', baseUrl: `http://127.0.0.1:${portC}`, pids: () => (referenceC?.pid ? [referenceC.pid] : []) },
      ],
      { db: stack.db, rooms: config.chatRooms, seconds: config.seconds, warmupSeconds: config.warmupSeconds, rounds: config.rounds, historyMessages: config.historyMessages },
      log,
    );
  }

  const table = summaryTable(results, config);
  console.log(`\n${renderTable(table)}`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadavg: loadavg() };
  const report = { timestamp: new Date().toISOString(), commit: gitCommit(), command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`, machine, config, table, results };
  writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  log(`written ${args.out}`);
});

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
