import { Api } from '../../harness/http.js';
import { assertInvariants } from '../support/invariants.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

const VISITORS = 1_000;
const BURST = 200;
const CAPACITY = 20;
const AGENTS = 10;

/**
 * docs/guarantees.md under load: 1 000 visitors open rooms in parallel bursts against two replicas of every
 * service while agents keep going available and not-available. Capacity is sampled all along.
 */
describe('1 000 rooms in parallel bursts with agents coming and going', () => {
  let stack: TestStack;
  let admin: Api;

  beforeAll(async () => {
    stack = await TestStack.start({ replicas: { gateway: 2, rooms: 2, routing: 2 }, env: {} });
    admin = new Api(stack.baseUrl, ADMIN_TOKEN);
  });
  afterAll(() => stack?.stop());

  it('opens exactly one room per visitor, never puts an agent over capacity, and drains the queue once capacity appears', async () => {
    await admin.setSetting('Livechat_maximum_chats_per_agent', CAPACITY);
    const agentIds: string[] = [];
    for (let i = 0; i < AGENTS; i += 1) agentIds.push(await admin.createAgent(`load-agent-${i}`));
    const apis = stack.baseUrls.map((url) => new Api(url));
    const tokens = Array.from({ length: VISITORS }, (_, i) => `load-visitor-${i}`);
    for (let i = 0; i < VISITORS; i += BURST) {
      const burst = tokens.slice(i, i + BURST);
      const replies = await Promise.all(burst.map((token, j) => apis[j % apis.length].registerVisitor({ token })));
      expect(replies.filter((r) => r.status !== 200)).toEqual([]);
    }

    // Agents flap while the rooms open; capacity is sampled meanwhile.
    let flapping = true;
    let overCapacity = 0;
    let samples = 0;
    let flaps = 0;
    const flap = (async () => {
      for (let n = 0; flapping; n += 1) {
        const id = agentIds[n % AGENTS];
        // The machine is saturated on purpose: an operator call that times out is simply not counted.
        const res = await admin.post('/api/v1/livechat/agent.status', { agentId: id, status: n % 3 === 0 ? 'not-available' : 'available' }, { admin: true });
        if (res.status === 200) flaps += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const sample = (async () => {
      while (flapping) {
        const [row] = await stack.db.query<{ max: number }>(`SELECT coalesce(max(active_chats), 0)::int AS max FROM routing.agents`);
        samples += 1;
        if (row.max > CAPACITY) overCapacity += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const opened = new Map<string, string>();
    const statuses: Record<number, number> = {};
    // As a widget does: a 503/504 (the machine is saturated on purpose) is asked again, a few times.
    const ask = async (api: Api, token: string) => {
      for (let attempt = 0; ; attempt += 1) {
        const res = await api.room({ token });
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if ((res.status !== 503 && res.status !== 504) || attempt === 4) return res;
        await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      }
    };
    for (let i = 0; i < VISITORS; i += BURST) {
      const burst = tokens.slice(i, i + BURST);
      // Each visitor asks twice at once, on both gateways: one room, one newRoom.
      const replies = await Promise.all(burst.flatMap((token) => apis.map((api) => ask(api, token).then((res) => ({ token, res })))));
      for (const { token, res } of replies) {
        expect(res.status).toBe(200);
        const known = opened.get(token);
        if (known) expect(res.body.room._id).toBe(known);
        opened.set(token, res.body.room._id);
      }
    }
    flapping = false;
    await Promise.all([flap, sample]);
    expect(statuses[200]).toBe(VISITORS * apis.length);
    expect(Object.keys(statuses).filter((s) => !['200', '503', '504'].includes(s))).toEqual([]);
    expect(opened.size).toBe(VISITORS);
    expect(samples).toBeGreaterThan(5);
    expect(flaps).toBeGreaterThan(5);
    expect(overCapacity).toBe(0);

    // Capacity appears: everyone available, no limit. The queue drains and every invariant holds.
    for (const id of agentIds) await admin.setAvailability(id, 'available');
    await admin.setSetting('Livechat_maximum_chats_per_agent', 0);
    const figures = await assertInvariants(stack, null, { capacity: 0, expectQueueDrained: true, timeoutMs: 90_000 });
    expect(figures.rooms).toBe(VISITORS);
    const newRooms = await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM rooms.rooms`);
    expect(newRooms[0].n).toBe(VISITORS);
    console.table([{ visitors: VISITORS, statuses: JSON.stringify(statuses), availabilityChanges: flaps, capacitySamples: samples, overCapacity, ...figures }]);
  });
});
