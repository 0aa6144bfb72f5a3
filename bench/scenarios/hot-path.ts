/**
 * The hot path, `GET /api/v1/livechat/room?token=…` for visitors who already have an open room,
 * closed loop, against several targets: the product and the references. Rounds alternate the
 * targets' order, and each target's figure is the median over its rounds, so a disturbance of the
 * shared machine during one run does not decide.
 */
import { isDeepStrictEqual } from 'node:util';
import { closedLoop, parseJson, send, type ClosedLoopResult } from '../support/http-load.js';
import { seededToken } from '../support/seed.js';

export interface Target {
  name: string;
  baseUrl: string;
}

export interface HotPathOptions {
  /** Tokens are drawn at random from the first `visitors` seeded ones. */
  visitors: number;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  rounds: number;
}

export type HotPathResult = Record<string, ClosedLoopResult & { rounds: ClosedLoopResult[] }>;

const roomPath = (visitors: number) => () => `/api/v1/livechat/room?token=${seededToken(Math.floor(Math.random() * visitors))}`;

export async function measureHotPath(targets: Target[], o: HotPathOptions, log: (line: string) => void): Promise<HotPathResult> {
  const runs = new Map<string, ClosedLoopResult[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < o.rounds; round += 1) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      await closedLoop(target.baseUrl, roomPath(o.visitors), { connections: o.connections, seconds: o.warmupSeconds });
      const run = await closedLoop(target.baseUrl, roomPath(o.visitors), { connections: o.connections, seconds: o.seconds });
      if (run.failures > 0) throw new Error(`${target.name}: ${run.failures} of the hot path's requests failed`);
      log(`  ${target.name} round ${round + 1}: ${run.requestsPerSecond} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms`);
      runs.get(target.name)!.push(run);
    }
  }
  const result: HotPathResult = {};
  for (const [name, rounds] of runs) {
    result[name] = {
      requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
      p50: median(rounds.map((r) => r.p50)),
      p99: median(rounds.map((r) => r.p99)),
      max: Math.max(...rounds.map((r) => r.max)),
      failures: 0,
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
