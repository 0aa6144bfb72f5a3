/**
 * Time to agent: how long a new visitor waits, from asking for a chat to having an agent, and what a
 * new room costs the machine.
 *
 * For each room, t0 is taken just before `GET /api/v1/livechat/room?token=…` is sent (the visitor
 * was registered beforehand, untimed). A room served in the GET answer (docs/routing.md#a-new-room-served-at-once: `servedBy`) has its
 * agent when the answer arrives: its time to agent is the GET's own time. Any other room's is the
 * arrival of its `room.assigned` on a core NATS subscription, minus t0. Open loop: one phase per
 * rate, rooms opened on a fixed timeline whatever the replies. After the last send a phase waits at
 * most `graceMs`; an opened room whose `room.assigned` never came is lost (counted whether or not it
 * was served in the answer: its room.assigned must be published too).
 *
 * CPU per new room: the CPU time (from /proc, bench/support/cpu.ts) each service, the NATS server
 * and the PostgreSQL backends of the benchmark's database used from the first GET until the phase
 * ended, divided by the rooms opened; the load generator (this process) is shown apart.
 *
 * The reference of each phase: reference (b) answering the hot path, open loop at the same rate
 * just before (one HTTP → NATS → PostgreSQL round trip, on this machine at that moment), with its
 * CPU per request read the same way.
 */
import { performance } from 'node:perf_hooks';
import { connect } from '@nats-io/transport-node';
import { ROOM_EVENTS, type RoomEvent } from '@livechat/contracts';
import { CpuWindow, type CpuGroups } from '../support/cpu.js';
import { summarize, type Summary } from '../../harness/percentiles.js';
import { openLoop, parseJson, send, sleep } from '../support/http-load.js';
import { seededToken } from '../support/seed.js';
import { onStop } from '../support/lifetime.js';

export interface TimeToAgentOptions {
  baseUrl: string;
  natsUrl: string;
  /** Reference (b), and how many seeded visitors it may look up. */
  referenceUrl: string;
  seededVisitors: number;
  rates: number[];
  seconds: number;
  graceMs: number;
  /** The product's processes (by service, and `nats`), and reference (b)'s, for CPU per room. */
  productPids: CpuGroups;
  referencePids: CpuGroups;
  /** The benchmark's database, whose PostgreSQL backends count. */
  database: { url: string; name: string };
}

export interface TimeToAgentPhase {
  rate: number;
  sentPerSecond: number;
  rooms: number;
  assigned: number;
  lost: number;
  failures: Record<string, number>;
  /** Rooms whose GET answer already carried servedBy. */
  servedInAnswer: number;
  timeToAgentMs: Summary;
  getMs: Summary;
  /** CPU ms per room opened, by process group, and their total (the load generator apart). */
  cpuMsPerRoom: Record<string, number>;
  referenceMs: Summary;
  referenceCpuMsPerRequest: Record<string, number>;
}

interface Attempt {
  token: string;
  t0: number;
  outcome?: string; // 'opened', or what went wrong
  getMs?: number;
  rid?: string;
  served?: boolean;
}

export async function measureTimeToAgent(o: TimeToAgentOptions, log: (line: string) => void): Promise<TimeToAgentPhase[]> {
  const assignedAt = new Map<string, number>(); // room id → first room.assigned arrival
  const nc = await connect({ servers: o.natsUrl });
  onStop(() => nc.close());
  nc.subscribe(ROOM_EVENTS.assigned, {
    callback: (err, msg) => {
      const at = performance.now();
      if (err) return;
      const { room } = msg.json<RoomEvent>();
      if (!assignedAt.has(room._id)) assignedAt.set(room._id, at);
    },
  });
  await nc.flush();

  const runId = Date.now().toString(36);
  await phase(o, assignedAt, `${runId}-warmup`, 20, 20); // untimed: JIT, pools, consumers
  const phases: TimeToAgentPhase[] = [];
  for (const rate of o.rates) {
    const count = Math.max(20, Math.round(rate * o.seconds));
    const reference = await referenceRoundTrips(o, count, rate);
    const { attempts, sentPerSecond, cpuMs } = await phase(o, assignedAt, `${runId}-${rate}`, count, rate);
    const opened = attempts.filter((a) => a.rid);
    // Served in the answer: the agent came with the GET. Otherwise: when its room.assigned arrived.
    const times = opened.flatMap((a) => (a.served ? [a.getMs!] : assignedAt.has(a.rid!) ? [assignedAt.get(a.rid!)! - a.t0] : []));
    const failures: Record<string, number> = {};
    for (const a of attempts) if (a.outcome !== 'opened') failures[a.outcome!] = (failures[a.outcome!] ?? 0) + 1;
    const result: TimeToAgentPhase = {
      rate,
      sentPerSecond,
      rooms: attempts.length,
      assigned: opened.filter((a) => assignedAt.has(a.rid!)).length,
      lost: opened.filter((a) => !assignedAt.has(a.rid!)).length,
      failures,
      servedInAnswer: opened.filter((a) => a.served).length,
      timeToAgentMs: summarize(times),
      getMs: summarize(attempts.flatMap((a) => (a.getMs === undefined ? [] : [a.getMs]))),
      cpuMsPerRoom: perUnit(cpuMs, opened.length),
      referenceMs: reference.times,
      referenceCpuMsPerRequest: perUnit(reference.cpuMs, count),
    };
    log(
      `  ${rate}/s: ${result.servedInAnswer}/${opened.length} served in the answer; time to agent p50 ${result.timeToAgentMs.p50} ms, p99 ${result.timeToAgentMs.p99} ms; ` +
        `GET p50 ${result.getMs.p50} ms, p99 ${result.getMs.p99} ms; CPU ${result.cpuMsPerRoom.total} ms/room (${describeCpu(result.cpuMsPerRoom)}); ` +
        `reference p99 ${reference.times.p99} ms, CPU ${result.referenceCpuMsPerRequest.total} ms/request; lost ${result.lost}`,
    );
    phases.push(result);
  }
  return phases;
}

/** CPU ms per unit, by group, rounded, with `total` (without the load generator). */
function perUnit(cpuMs: Record<string, number>, units: number): Record<string, number> {
  const round = (ms: number) => Math.round((ms / Math.max(1, units)) * 100) / 100;
  const result: Record<string, number> = {};
  let total = 0;
  for (const [group, ms] of Object.entries(cpuMs)) {
    result[group] = round(ms);
    if (group !== 'load generator') total += ms;
  }
  result.total = round(total);
  return result;
}

function describeCpu(cpu: Record<string, number>): string {
  return Object.entries(cpu)
    .filter(([group]) => group !== 'total')
    .map(([group, ms]) => `${group} ${ms}`)
    .join(', ');
}

/** Registers `count` fresh visitors, then opens one room each at `rate` per second. */
async function phase(o: TimeToAgentOptions, assignedAt: Map<string, number>, tag: string, count: number, rate: number) {
  const tokens = Array.from({ length: count }, (_, i) => `bench-${tag}-${i}`);
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      tokens.slice(i, i + 50).map(async (token) => {
        const res = await send(o.baseUrl, 'POST', '/api/v1/livechat/visitor', { visitor: { token, name: `Visitor ${token}` } });
        if (res.status !== 200) throw new Error(`registering a visitor: ${res.status} ${res.text}`);
      }),
    );
  }
  const attempts: Attempt[] = [];
  let pending = 0;
  const cpu = await CpuWindow.start(o.productPids, o.database.url, o.database.name);
  const sentPerSecond = await openLoop(count, rate, (i) => {
    const attempt: Attempt = { token: tokens[i], t0: performance.now() };
    attempts.push(attempt);
    pending += 1;
    send(o.baseUrl, 'GET', `/api/v1/livechat/room?token=${encodeURIComponent(attempt.token)}`)
      .then(({ status, text }) => {
        attempt.getMs = performance.now() - attempt.t0;
        const body = parseJson(text);
        if (status === 200 && body.newRoom === true && body.room?._id) {
          [attempt.outcome, attempt.rid, attempt.served] = ['opened', body.room._id, !!body.room.servedBy];
        }
        else attempt.outcome = status === 200 ? `200 newRoom=${body.newRoom}` : `${status} ${body.errorType ?? body.error ?? text.slice(0, 60)}`;
      })
      .catch((err: NodeJS.ErrnoException) => (attempt.outcome = `error ${err.code ?? err.message}`))
      .finally(() => (pending -= 1));
  });
  const deadline = performance.now() + o.graceMs;
  const done = () => pending === 0 && attempts.every((a) => !a.rid || assignedAt.has(a.rid));
  while (!done() && performance.now() < deadline) await sleep(20);
  const cpuMs = await cpu.stop();
  for (const a of attempts) a.outcome ??= 'no reply';
  return { attempts, sentPerSecond, cpuMs };
}

/** Reference (b)'s hot path at the same rate, open loop: the round-trip floor of this machine now, and its CPU. */
async function referenceRoundTrips(o: TimeToAgentOptions, count: number, rate: number): Promise<{ times: Summary; cpuMs: Record<string, number> }> {
  const times: number[] = [];
  const replies: Promise<unknown>[] = [];
  const cpu = await CpuWindow.start({ ...o.referencePids, nats: o.productPids.nats }, o.database.url, o.database.name);
  await openLoop(count, rate, () => {
    const t0 = performance.now();
    const path = `/api/v1/livechat/room?token=${seededToken(Math.floor(Math.random() * o.seededVisitors))}`;
    replies.push(send(o.referenceUrl, 'GET', path).then(() => times.push(performance.now() - t0)));
  });
  await Promise.allSettled(replies);
  return { times: summarize(times), cpuMs: await cpu.stop() };
}
