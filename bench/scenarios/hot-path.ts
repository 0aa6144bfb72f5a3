/**
 * The hot path, `GET /api/v1/livechat/room?token=…` for visitors who already have an open room,
 * closed loop, against several targets: the product and the references. Rounds alternate the
 * targets' order, and each target's figure is the median over its rounds, so a disturbance of the
 * shared machine during one run does not decide.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseJson, send, type ClosedLoopResult } from '../support/http-load.js';
import { cpuPerRequest, readCpu, type ProcessGroup } from '../support/cpu.js';
import { seededToken } from '../support/seed.js';
import { wrkClosedLoop } from '../support/wrk.js';

export interface Target {
  name: string;
  baseUrl: string;
  /** The processes that serve the target's requests, whose CPU time is read from /proc around each run. */
  processes: ProcessGroup[];
}

/** One run: throughput and latency from wrk, CPU µs per request of each process group. */
export type HotPathRun = ClosedLoopResult & { cpuMicrosPerRequest: Record<string, number> };

export interface HotPathOptions {
  /** Tokens are drawn at random from the first `visitors` seeded ones. */
  visitors: number;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  rounds: number;
}

export type HotPathResult = Record<string, HotPathRun & { rounds: HotPathRun[] }>;

const roomPath = (visitors: number) => () => `/api/v1/livechat/room?token=${seededToken(Math.floor(Math.random() * visitors))}`;

/** At most this many distinct paths are given to wrk (drawn at random when there are more visitors). */
const MAX_PATHS = 100_000;

export async function measureHotPath(targets: Target[], o: HotPathOptions, log: (line: string) => void): Promise<HotPathResult> {
  const paths = o.visitors <= MAX_PATHS
    ? Array.from({ length: o.visitors }, (_, i) => `/api/v1/livechat/room?token=${seededToken(i)}`)
    : Array.from({ length: MAX_PATHS }, roomPath(o.visitors));
  const runs = new Map<string, HotPathRun[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < o.rounds; round += 1) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      await wrkClosedLoop(target.baseUrl, paths, { connections: o.connections, seconds: o.warmupSeconds });
      const before = await readCpu(target.processes);
      const loop = await wrkClosedLoop(target.baseUrl, paths, { connections: o.connections, seconds: o.seconds });
      const cpu = cpuPerRequest(before, await readCpu(target.processes), loop.requests);
      if (loop.failures > 0) throw new Error(`${target.name}: ${loop.failures} of the hot path's requests failed`);
      const { requests: _, ...run } = { ...loop, cpuMicrosPerRequest: cpu };
      const cpuText = Object.entries(cpu).map(([k, v]) => `${k} ${v}`).join(', ');
      log(`  ${target.name} round ${round + 1}: ${run.requestsPerSecond} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms; CPU µs/request: ${cpuText}`);
      runs.get(target.name)!.push(run);
    }
  }
  const result: HotPathResult = {};
  for (const [name, rounds] of runs) {
    const groups = Object.keys(rounds[0].cpuMicrosPerRequest);
    result[name] = {
      requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
      p50: median(rounds.map((r) => r.p50)),
      p99: median(rounds.map((r) => r.p99)),
      max: Math.max(...rounds.map((r) => r.max)),
      failures: 0,
      cpuMicrosPerRequest: Object.fromEntries(groups.map((g) => [g, median(rounds.map((r) => r.cpuMicrosPerRequest[g] ?? 0))])),
      rounds,
    };
  }
  return result;
}

/** The targets answer the same JSON for the same visitors (else the comparison would be unfair). */
export async function assertSameReplies(targets: Target[], visitors: number): Promise<void> {
  for (let i = 0; i < 5; i += 1) {
    const path = roomPath(visitors)();
    const replies = await Promise.all(targets.map(async (t) => ({ target: t.name, ...(await send(t.baseUrl, 'GET', path)) })));
    const [first, ...rest] = replies;
    if (first.status !== 200) throw new Error(`${first.target} answered ${first.status} ${first.text} for ${path}`);
    for (const other of rest) {
      if (other.status !== first.status || !isDeepStrictEqual(parseJson(other.text), parseJson(first.text))) {
        throw new Error(`${other.target} and ${first.target} answer ${path} differently:\n${other.text}\n${first.text}`);
      }
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round(((sorted[mid - 1] + sorted[mid]) / 2) * 100) / 100;
}
