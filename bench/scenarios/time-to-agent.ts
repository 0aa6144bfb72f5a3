/**
 * Time to agent: how long a new visitor waits, from asking for a chat to having an agent.
 *
 * For each room, t0 is taken just before `GET /api/v1/livechat/room?token=…` is sent (the visitor
 * was registered beforehand, untimed); its time to agent is the arrival of that room's
 * `room.assigned` on a core NATS subscription, minus t0. Open loop: one phase per rate, rooms opened
 * on a fixed timeline whatever the replies. After the last send a phase waits at most `graceMs`; an
 * opened room whose `room.assigned` never came is lost.
 *
 * The reference of each phase: reference (b) answering the hot path, open loop at the same rate
 * just before (one HTTP → NATS → PostgreSQL round trip, on this machine at that moment).
 */
import { performance } from 'node:perf_hooks';
import { connect } from '@nats-io/transport-node';
import { ROOM_EVENTS, type RoomEvent } from '@livechat/contracts';
import { summarize, type Summary } from '../support/percentiles.js';
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
}

export interface TimeToAgentPhase {
  rate: number;
  sentPerSecond: number;
  rooms: number;
  assigned: number;
  lost: number;
  failures: Record<string, number>;
  timeToAgentMs: Summary;
  getMs: Summary;
  referenceMs: Summary;
}

interface Attempt {
  token: string;
  t0: number;
  outcome?: string; // 'opened', or what went wrong
  getMs?: number;
  rid?: string;
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
    const referenceMs = await referenceRoundTrips(o, count, rate);
    const { attempts, sentPerSecond } = await phase(o, assignedAt, `${runId}-${rate}`, count, rate);
    const opened = attempts.filter((a) => a.rid);
    const times = opened.flatMap((a) => (assignedAt.has(a.rid!) ? [assignedAt.get(a.rid!)! - a.t0] : []));
    const failures: Record<string, number> = {};
    for (const a of attempts) if (a.outcome !== 'opened') failures[a.outcome!] = (failures[a.outcome!] ?? 0) + 1;
    const result: TimeToAgentPhase = {
      rate,
      sentPerSecond,
      rooms: attempts.length,
      assigned: times.length,
      lost: opened.length - times.length,
      failures,
      timeToAgentMs: summarize(times),
      getMs: summarize(attempts.flatMap((a) => (a.getMs === undefined ? [] : [a.getMs]))),
      referenceMs,
    };
    log(`  ${rate}/s: time to agent p50 ${result.timeToAgentMs.p50} ms, p99 ${result.timeToAgentMs.p99} ms; reference p99 ${referenceMs.p99} ms; lost ${result.lost}`);
    phases.push(result);
  }
  return phases;
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
  const sentPerSecond = await openLoop(count, rate, (i) => {
    const attempt: Attempt = { token: tokens[i], t0: performance.now() };
    attempts.push(attempt);
    pending += 1;
    send(o.baseUrl, 'GET', `/api/v1/livechat/room?token=${encodeURIComponent(attempt.token)}`)
      .then(({ status, text }) => {
        attempt.getMs = performance.now() - attempt.t0;
        const body = parseJson(text);
        if (status === 200 && body.newRoom === true && body.room?._id) [attempt.outcome, attempt.rid] = ['opened', body.room._id];
        else attempt.outcome = status === 200 ? `200 newRoom=${body.newRoom}` : `${status} ${body.errorType ?? body.error ?? text.slice(0, 60)}`;
      })
      .catch((err: NodeJS.ErrnoException) => (attempt.outcome = `error ${err.code ?? err.message}`))
      .finally(() => (pending -= 1));
  });
  const deadline = performance.now() + o.graceMs;
  const done = () => pending === 0 && attempts.every((a) => !a.rid || assignedAt.has(a.rid));
  while (!done() && performance.now() < deadline) await sleep(20);
  for (const a of attempts) a.outcome ??= 'no reply';
  return { attempts, sentPerSecond };
}

/** Reference (b)'s hot path at the same rate, open loop: the round-trip floor of this machine now. */
async function referenceRoundTrips(o: TimeToAgentOptions, count: number, rate: number): Promise<Summary> {
  const times: number[] = [];
  const replies: Promise<unknown>[] = [];
  await openLoop(count, rate, () => {
    const t0 = performance.now();
    const path = `/api/v1/livechat/room?token=${seededToken(Math.floor(Math.random() * o.seededVisitors))}`;
    replies.push(send(o.referenceUrl, 'GET', path).then(() => times.push(performance.now() - t0)));
  });
  await Promise.allSettled(replies);
  return summarize(times);
}
