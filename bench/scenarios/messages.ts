/**
 * Messages (docs/api.md#messages), the product against reference (c) (bench/references/messages.ts), in
 * alternating order:
 * - chat: `rooms` visitors each writing to their own open room at once, closed loop (each sends its
 *   next message when the last is answered), `seconds` per run: sends/s, p50/p99 of a send, and CPU
 *   per send of the processes that served it (product: gateway + rooms; reference: its one process),
 *   read from /proc;
 * - history: the history of one room holding `historyMessages` messages, a page of 20 before a random
 *   message (the widget's "load older"), 32 connections: requests/s and p50/p99.
 */
import type { TestDatabase } from '../../harness/database.js';
import { cpuSeconds } from '../support/cpu.js';
import { closedLoop, send, sleep } from '../support/http-load.js';
import { summarize, type Summary } from '../../harness/percentiles.js';
import type { Target } from './hot-path.js';

export interface MessagesOptions {
  db: TestDatabase;
  rooms: number;
  seconds: number;
  warmupSeconds: number;
  rounds: number;
  historyMessages: number;
}

export interface ChatRun {
  sendsPerSecond: number;
  latency: Summary;
  failures: number;
  cpuMsPerSend: number;
}

export interface MessagesResult {
  chat: Record<string, ChatRun & { rounds: ChatRun[] }>;
  history: Record<string, { requestsPerSecond: number; p50: number; p99: number }>;
  historyMessages: number;
}

export interface MeasuredTarget extends Pick<Target, 'name' | 'baseUrl'> {
  /** The processes whose CPU serves this target's requests. */
  pids: () => number[];
}

interface SeededRoom {
  rid: string;
  token: string;
}

export async function measureMessages(targets: MeasuredTarget[], o: MessagesOptions, log: (line: string) => void): Promise<MessagesResult> {
  const rooms = await o.db.query<SeededRoom>(
    `SELECT id AS rid, visitor_token AS token FROM rooms.rooms WHERE open AND visitor_username LIKE 'seed-%' ORDER BY id LIMIT $1`,
    [o.rooms + 1],
  );
  if (rooms.length < o.rooms + 1) throw new Error(`messages: ${rooms.length} seeded open rooms, ${o.rooms + 1} needed`);
  const [historyRoom, ...chatRooms] = rooms;

  const runs = new Map<string, ChatRun[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < o.rounds; round += 1) {
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
      await chat(target, chatRooms, o.warmupSeconds);
      const run = await chat(target, chatRooms, o.seconds);
      if (run.failures > 0) throw new Error(`${target.name}: ${run.failures} sends failed`);
      log(`  ${target.name} chat round ${round + 1}: ${run.sendsPerSecond} sends/s, p50 ${run.latency.p50} ms, p99 ${run.latency.p99} ms, ${run.cpuMsPerSend} ms CPU/send`);
      runs.get(target.name)!.push(run);
    }
  }
  const result: MessagesResult = { chat: {}, history: {}, historyMessages: o.historyMessages };
  for (const [name, rounds] of runs) {
    result.chat[name] = {
      sendsPerSecond: median(rounds.map((r) => r.sendsPerSecond)),
      latency: { ...rounds[0].latency, p50: median(rounds.map((r) => r.latency.p50 ?? 0)), p99: median(rounds.map((r) => r.latency.p99 ?? 0)) },
      failures: 0,
      cpuMsPerSend: median(rounds.map((r) => r.cpuMsPerSend)),
      rounds,
    };
  }

  log(`  seeding a room with ${o.historyMessages} messages`);
  const ends = await seedHistory(o.db, historyRoom, o.historyMessages);
  const path = () => `/api/v1/livechat/messages.history/${historyRoom.rid}?token=${historyRoom.token}&limit=20&end=${encodeURIComponent(ends[Math.floor(Math.random() * ends.length)])}`;
  for (const target of targets) {
    await closedLoop(target.baseUrl, path, { connections: 32, seconds: o.warmupSeconds });
    const run = await closedLoop(target.baseUrl, path, { connections: 32, seconds: o.seconds });
    if (run.failures > 0) throw new Error(`${target.name}: ${run.failures} history requests failed`);
    log(`  ${target.name} history: ${run.requestsPerSecond} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms`);
    result.history[target.name] = { requestsPerSecond: run.requestsPerSecond, p50: run.p50, p99: run.p99 };
  }
  return result;
}

/** Every room's visitor sends, each their next message once the last is answered, for `seconds`. */
async function chat(target: MeasuredTarget, rooms: SeededRoom[], seconds: number): Promise<ChatRun> {
  const latencies: number[] = [];
  let failures = 0;
  const cpuBefore = cpuSeconds(target.pids());
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    rooms.map(async ({ rid, token }, r) => {
      for (let i = 0; performance.now() < deadline; i += 1) {
        const t0 = performance.now();
        const res = await send(target.baseUrl, 'POST', '/api/v1/livechat/message', { token, rid, msg: `message ${i} from room ${r}: how do I change my delivery address?` });
        if (res.status === 200) latencies.push(performance.now() - t0);
        else failures += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(target.pids()) - cpuBefore;
  await sleep(200);
  return {
    sendsPerSecond: Math.round(latencies.length / elapsed),
    latency: summarize(latencies),
    failures,
    cpuMsPerSend: latencies.length ? Math.round((cpu * 1000 * 100) / latencies.length) / 100 : 0,
  };
}

/** `count` messages in the room, a second apart, written straight into the table; answers their times (ISO). */
async function seedHistory(db: TestDatabase, room: SeededRoom, count: number): Promise<string[]> {
  await db.query(
    `INSERT INTO rooms.messages (id, rid, msg, ts, updated_at, u_id, u_username, token, alias, md, urls)
     SELECT left(md5($1 || n), 17), r.id, 'seeded message ' || n, now() - make_interval(secs => $2 - n), now() - make_interval(secs => $2 - n),
            r.visitor_id, r.visitor_username, r.visitor_token, r.visitor_username,
            jsonb_build_array(jsonb_build_object('type', 'PARAGRAPH', 'value', jsonb_build_array(jsonb_build_object('type', 'PLAIN_TEXT', 'value', 'seeded message ' || n)))),
            '[]'::jsonb
       FROM rooms.rooms r, generate_series(1, $2::int) n WHERE r.id = $3`,
    [`h-${room.rid}-`, count, room.rid],
  );
  await db.query(`UPDATE rooms.rooms SET msgs = msgs + $2 WHERE id = $1`, [room.rid, count]);
  await db.query(`VACUUM ANALYZE rooms.messages`);
  const rows = await db.query<{ ts: Date }>(`SELECT ts FROM rooms.messages WHERE rid = $1 ORDER BY ts`, [room.rid]);
  return rows.map((r) => r.ts.toISOString());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round(((sorted[mid - 1] + sorted[mid]) / 2) * 100) / 100;
}
