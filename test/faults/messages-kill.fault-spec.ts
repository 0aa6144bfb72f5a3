import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { assertInvariants } from '../support/invariants.js';
import { readStream } from '../../harness/jetstream.js';
import { Livechat } from '../support/livechat.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

const ROOMS = 16;
const MESSAGES_PER_ROOM = 40;

/**
 * docs/guarantees.md#8-a-message-change-is-stored-counted-and-published-once under SIGKILL: visitors write to their rooms through two gateways and two rooms replicas,
 * each message with a client `_id`, retried (same `_id`) on 503/504 and broken connections as a
 * widget would. Rooms #0 is killed mid-way and started again. Afterwards, every message acknowledged
 * to its sender is stored once, counted once in its room's `msgs`, and published once.
 */
describe('messages while a rooms replica is SIGKILLed', () => {
  let stack: TestStack;
  let api: Api;
  let chat: Livechat;

  beforeAll(async () => {
    stack = await TestStack.start({
      replicas: { gateway: 2, rooms: 2, routing: 1 },
      env: { RPC_TIMEOUT_MS: '2000', CONSUMER_ACK_WAIT_SECONDS: '3' },
    });
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    chat = new Livechat(api);
    await api.setSetting('Livechat_accept_chats_with_no_agents', true);
  });
  afterAll(() => stack?.stop());

  it('stores, counts and publishes every acknowledged message exactly once', async () => {
    const rooms = await Promise.all(Array.from({ length: ROOMS }, (_, i) => chat.openRoom({ name: `Writer ${i}` })));
    const gateways = stack.baseUrls.map((url) => new Api(url));
    const acknowledged = new Map<string, string>(); // message _id → rid
    const failures: Record<string, number> = {};
    const note = (what: string) => (failures[what] = (failures[what] ?? 0) + 1);

    async function sendWithRetries(token: string, rid: string, _id: string, msg: string): Promise<void> {
      for (let attempt = 0; attempt < 30; attempt += 1) {
        const gateway = gateways[(attempt + _id.length) % gateways.length];
        try {
          const res = await gateway.sendMessage({ token, rid, msg, _id });
          if (res.status === 200) {
            expect(res.body.message._id).toBe(_id);
            acknowledged.set(_id, rid);
            return;
          }
          note(`${res.status} ${res.body.error ?? ''}`);
          if (res.status !== 503 && res.status !== 504) throw new Error(`${_id}: ${res.status} ${JSON.stringify(res.body)}`);
        } catch (err) {
          if ((err as Error).message.startsWith(_id)) throw err;
          note((err as NodeJS.ErrnoException).code ?? 'transport');
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
      }
    }

    const writers = rooms.map(async ({ token, room }, r) => {
      for (let i = 0; i < MESSAGES_PER_ROOM; i += 1) await sendWithRetries(token, room._id, `kill-${r}-${i}-${room._id}`, `message ${i} of room ${r}`);
    });
    const victim = stack.service('rooms', 0);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await victim.stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await victim.start();
    await Promise.all(writers);
    console.log(`answers other than 200 during the kill: ${JSON.stringify(failures)}; acknowledged ${acknowledged.size}`);
    expect(acknowledged.size).toBe(ROOMS * MESSAGES_PER_ROOM);

    await assertInvariants(stack, null, { capacity: 0, expectQueueDrained: false });
    const rids = rooms.map((r) => r.room._id);
    // Stored once: one row per acknowledged _id, in its room; nothing stored that was not sent.
    const rows = await stack.db.query<{ id: string; rid: string }>(`SELECT id, rid FROM rooms.messages WHERE rid = ANY($1) AND t IS NULL`, [rids]);
    expect(rows.length).toBe(acknowledged.size);
    for (const row of rows) expect(acknowledged.get(row.id)).toBe(row.rid);
    // Counted once: each room's msgs is its number of messages.
    const counts = await stack.db.query<{ id: string; msgs: number; stored: number }>(
      `SELECT r.id, r.msgs, (SELECT count(*)::int FROM rooms.messages m WHERE m.rid = r.id AND m.t IS NULL) AS stored FROM rooms.rooms r WHERE r.id = ANY($1)`,
      [rids],
    );
    for (const c of counts) expect(c, c.id).toMatchObject({ msgs: MESSAGES_PER_ROOM, stored: MESSAGES_PER_ROOM });
    // Published once: one message.sent per message on the stream, each with the count it made (1…n per room).
    await expectEventually(async () => {
      const sent = (await readStream(stack.nats.url)).filter((e) => e.subject === 'message.sent' && rids.includes(e.data.room._id));
      const perMessage = new Map<string, number>();
      for (const e of sent) perMessage.set(e.data.message._id, (perMessage.get(e.data.message._id) ?? 0) + 1);
      expect([...perMessage.values()].filter((n) => n !== 1)).toEqual([]);
      expect(new Set(perMessage.keys())).toEqual(new Set(acknowledged.keys()));
      for (const rid of rids) {
        const counted = sent.filter((e) => e.data.room._id === rid).map((e) => e.data.room.msgs).sort((a, b) => a - b);
        expect(counted, rid).toEqual(Array.from({ length: MESSAGES_PER_ROOM }, (_, i) => i + 1));
      }
    }, { timeoutMs: 30_000, intervalMs: 500 });
  });
});
