import pg from 'pg';
import { ROUTING_LOCKS } from '../../apps/routing/src/database/routing-locks.js';
import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { readStream } from '../../harness/jetstream.js';
import { Livechat } from '../support/livechat.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

/**
 * docs/routing.md#a-new-room-served-at-once: a new room's GET answer already carries
 * servedBy and usersCount 2 when the routing method is automatic and an agent is free, and both
 * room.opened and room.assigned are published; otherwise the room waits, and a new room never jumps
 * a waiting room that could be served (docs/guarantees.md#5-the-queue-drains-in-order).
 */
describe('a new room served in the GET answer (docs/routing.md#a-new-room-served-at-once)', () => {
  let stack: TestStack;
  let api: Api;
  let chat: Livechat;
  let n = 0;
  const uniq = (name: string) => `${name}-${(n += 1)}`;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { ADMISSION_TIMEOUT_MS: '5000' } });
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    chat = new Livechat(api);
  });
  afterAll(() => stack?.stop());

  beforeEach(async () => {
    await chat.retireAllAgents();
    await api.setSetting('Livechat_Routing_Method', 'Auto_Selection');
    await api.setSetting('Livechat_maximum_chats_per_agent', 0);
    await api.setSetting('Livechat_accept_chats_with_no_agents', false);
  });

  // Each test starts with nobody waiting: a room left waiting would rightly be served before any new one.
  afterEach(async () => {
    const open = await stack.db.query<{ id: string; visitor_token: string }>(`SELECT id, visitor_token FROM rooms.rooms WHERE open`);
    for (const room of open) expect((await api.closeRoom(room.id, room.visitor_token)).status).toBe(200);
    await expectEventually(async () => expect(await stack.db.query(`SELECT 1 FROM routing.inquiries WHERE status <> 'closed'`)).toEqual([]));
  });

  const inquiryOf = async (rid: string) =>
    (await stack.db.query<{ status: string; agent_id: string | null; version: number }>(`SELECT status, agent_id, version FROM routing.inquiries WHERE room_id = $1`, [rid]))[0];

  it.each(['Auto_Selection', 'Load_Balancing', 'Load_Rotation'] as const)('under %s, answers the room served by the free agent, and publishes room.opened and room.assigned', async (method) => {
    await api.setSetting('Livechat_Routing_Method', method);
    const agent = uniq(`at-once-${method}`);
    const agentId = await api.createAgent(agent);
    const token = await chat.visitor();
    const res = await api.room({ token });
    expect(res.status).toBe(200);
    expect(res.body.newRoom).toBe(true);
    const room = res.body.room;
    expect(room.usersCount).toBe(2);
    expect(room.servedBy).toEqual({ _id: agentId, username: agent, ts: room.ts });
    // Routing records the room taken by that agent (room.opened confirmed the reservation), and counts it.
    await expectEventually(async () => expect(await inquiryOf(room._id)).toEqual({ status: 'taken', agent_id: agentId, version: 1 }));
    expect((await api.agents()).find((a) => a._id === agentId)).toMatchObject({ activeChats: 1 });
    const events = await expectEventually(async () => {
      const mine = (await readStream(stack.nats.url)).filter((e) => e.data.room?._id === room._id);
      // The assignment's uj message (message.sent) comes from the same commit, after room.assigned.
      expect(mine.map((e) => e.subject)).toEqual(['room.opened', 'room.assigned', 'message.sent']);
      return mine;
    });
    expect(events[1].data.agent).toEqual({ _id: agentId, username: agent });
    expect(events[2].data.message).toMatchObject({ t: 'uj', rid: room._id, u: { _id: agentId, username: agent } });
    expect(events[2].data.room.msgs).toBe(0);
    // A later GET answers the same room, served.
    expect((await chat.room(token, room._id)).servedBy?.username).toBe(agent);
  });

  it('under Manual_Selection, answers the room waiting (no servedBy) and queues it for an operator', async () => {
    await api.setSetting('Livechat_Routing_Method', 'Manual_Selection');
    await api.createAgent(uniq('manual'));
    const { room } = await chat.openRoom();
    expect(room.servedBy).toBeUndefined();
    expect(room.usersCount).toBe(1);
    await expectEventually(async () => expect((await api.queued()).some((i) => i.rid === room._id)).toBe(true));
  });

  it('under Manual_Selection, answers the room waiting even for an eligible preferred agent (agentId), who gets it from the queue', async () => {
    await api.setSetting('Livechat_Routing_Method', 'Manual_Selection');
    const agent = uniq('manual-preferred');
    const agentId = await api.createAgent(agent);
    const { token, room } = await chat.openRoom({}, { agentId });
    expect(room.servedBy).toBeUndefined();
    expect(await chat.servedBy(token, room._id)).toBe(agent);
  });

  it('answers the room waiting when every agent is at capacity, and serves it once one frees up', async () => {
    await api.setSetting('Livechat_maximum_chats_per_agent', 1);
    const agent = uniq('full');
    await api.createAgent(agent);
    const first = await chat.openRoom();
    expect(first.room.servedBy?.username).toBe(agent);
    const second = await chat.openRoom();
    expect(second.room.servedBy).toBeUndefined();
    await api.closeRoom(first.room._id, first.token);
    expect(await chat.servedBy(second.token, second.room._id)).toBe(agent);
  });

  it('does not serve a new room at once while a waiting room could be served: the queue goes first (docs/guarantees.md#5-the-queue-drains-in-order)', async () => {
    await api.setSetting('Livechat_maximum_chats_per_agent', 1);
    const agent = uniq('queue-first');
    await api.createAgent(agent);
    const first = await chat.openRoom();
    expect(first.room.servedBy?.username).toBe(agent);
    const waiting = await chat.openRoom();
    expect(waiting.room.servedBy).toBeUndefined();
    await expectEventually(async () => expect((await inquiryOf(waiting.room._id))?.status).toBe('queued'));

    // Hold the dispatch lock, so no queue pass can run: the agent's capacity comes back (the first
    // room closes) while the waiting room is still waiting.
    const blocker = new pg.Client({ connectionString: stack.db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT pg_advisory_xact_lock($1)', [ROUTING_LOCKS.dispatch]);
      await api.closeRoom(first.room._id, first.token);
      await expectEventually(async () => expect((await api.agents()).find((a) => a.username === agent)?.activeChats).toBe(0));
      // The agent is free, but the waiting room is older: the new room must not take the agent.
      const late = await chat.openRoom();
      expect(late.room.servedBy).toBeUndefined();
      await blocker.query('COMMIT');
      expect(await chat.servedBy(waiting.token, waiting.room._id)).toBe(agent);
      await expectEventually(async () => expect(await inquiryOf(late.room._id)).toMatchObject({ status: 'queued' }));
      expect((await chat.room(late.token, late.room._id)).servedBy).toBeUndefined();
    } finally {
      await blocker.end();
    }
  });
});
