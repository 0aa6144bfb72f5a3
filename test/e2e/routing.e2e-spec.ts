import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { readStream } from '../../harness/jetstream.js';
import { Livechat } from '../support/livechat.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

describe('routing (docs/api.md#getting-or-opening-a-room, docs/api.md#operator-endpoints, docs/routing.md)', () => {
  let stack: TestStack;
  let api: Api;
  let chat: Livechat;
  let n = 0;
  const uniq = (name: string) => `${name}-${(n += 1)}`;

  beforeAll(async () => {
    stack = await TestStack.start();
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    chat = new Livechat(api);
  });
  afterAll(() => stack?.stop());

  beforeEach(async () => {
    await chat.retireAllAgents();
    await api.setSetting('Livechat_Routing_Method', 'Auto_Selection');
    await api.setSetting('Livechat_accept_chats_with_no_agents', false);
    await api.setSetting('Livechat_maximum_chats_per_agent', 0);
    await api.setSetting('Livechat_enabled_when_agent_idle', true);
    await api.setSetting('Livechat_enabled', true);
  });

  /** A department with fresh agents (in the given order); answers its id and the agents' ids by username. */
  async function department(usernames: string[], fields: Record<string, unknown> = {}) {
    const ids: Record<string, string> = {};
    for (const u of usernames) ids[u] = await api.createAgent(u);
    const saved = await api.saveDepartment(
      { name: uniq('dept'), enabled: true, showOnRegistration: false, ...fields },
      usernames.map((u, i) => ({ agentId: ids[u], order: i + 1 })),
    );
    return { id: saved.department._id as string, ids };
  }

  describe('the agents list (docs/api.md#operator-endpoints)', () => {
    it('answers every field of every agent: maxChats 0 and the username as name when created without them', async () => {
      const [bare, full] = [uniq('bare'), uniq('full')];
      const bareId = await api.createAgent(bare);
      const fullId = await api.createAgent(full, { name: 'Full Name', maxChats: 4 });
      const listed = await api.agents();
      expect(listed.find((a) => a._id === bareId)).toEqual({
        _id: bareId, username: bare, name: bare, status: 'online', statusLivechat: 'available', maxChats: 0, activeChats: 0, departments: [],
      });
      expect(listed.find((a) => a._id === fullId)).toMatchObject({ name: 'Full Name', maxChats: 4 });
      for (const agent of listed) {
        expect(Object.keys(agent).sort()).toEqual(['_id', 'activeChats', 'departments', 'maxChats', 'name', 'status', 'statusLivechat', 'username']);
      }
      const one = await api.get<{ user: Record<string, unknown> }>(`/api/v1/livechat/users/agent/${bareId}`, { admin: true });
      expect(one.body.user).toMatchObject({ maxChats: 0, name: bare });
    });
  });

  describe('Auto_Selection', () => {
    it('serves the agent with the fewest routed chats, ties by department order', async () => {
      const [a, b, c] = [uniq('auto-a'), uniq('auto-b'), uniq('auto-c')];
      const dept = await department([c, a, b]); // orders: c=1, a=2, b=3
      const served: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const { token, room } = await chat.openRoom({ department: dept.id });
        served.push(await chat.servedBy(token, room._id));
      }
      expect(served).toEqual([c, a, b, c]);
    });

    it('skips agents that are not-available, offline, or away when idle agents are not served', async () => {
      const [off, away, na, ok] = [uniq('off'), uniq('away'), uniq('na'), uniq('ok')];
      const dept = await department([off, away, na, ok]);
      await api.setPresence(dept.ids[off], 'offline');
      await api.setPresence(dept.ids[away], 'away');
      await api.setAvailability(dept.ids[na], 'not-available');
      await api.setSetting('Livechat_enabled_when_agent_idle', false);
      const first = await chat.openRoom({ department: dept.id });
      expect(await chat.servedBy(first.token, first.room._id)).toBe(ok);
      await api.setSetting('Livechat_enabled_when_agent_idle', true);
      const second = await chat.openRoom({ department: dept.id });
      expect(await chat.servedBy(second.token, second.room._id)).toBe(away);
    });

    it('serves only members of the room department', async () => {
      const outsider = uniq('outsider');
      await api.createAgent(outsider);
      const member = uniq('member');
      const dept = await department([member]);
      for (let i = 0; i < 3; i += 1) {
        const { token, room } = await chat.openRoom({ department: dept.id });
        expect(await chat.servedBy(token, room._id)).toBe(member);
      }
    });
  });

  describe('Load_Balancing', () => {
    it('serves the agent with the fewest open chats, ties by oldest routing', async () => {
      await api.setSetting('Livechat_Routing_Method', 'Load_Balancing');
      const [a, b] = [uniq('lb-a'), uniq('lb-b')];
      const dept = await department([a, b]);
      const r1 = await chat.openRoom({ department: dept.id });
      const first = await chat.servedBy(r1.token, r1.room._id);
      const r2 = await chat.openRoom({ department: dept.id });
      const second = await chat.servedBy(r2.token, r2.room._id);
      expect(new Set([first, second])).toEqual(new Set([a, b]));
      // Free the first agent: they now have fewer open chats than the second.
      await api.closeRoom(r1.room._id, r1.token);
      await expectEventually(async () => {
        const agent = (await api.agents()).find((x) => x.username === first);
        expect(agent?.activeChats).toBe(0);
      });
      const r3 = await chat.openRoom({ department: dept.id });
      expect(await chat.servedBy(r3.token, r3.room._id)).toBe(first);
    });
  });

  describe('Load_Rotation', () => {
    it('rotates through the agents, the one routed longest ago first', async () => {
      await api.setSetting('Livechat_Routing_Method', 'Load_Rotation');
      const [a, b, c] = [uniq('rot-a'), uniq('rot-b'), uniq('rot-c')];
      const dept = await department([a, b, c]);
      const served: string[] = [];
      for (let i = 0; i < 6; i += 1) {
        const { token, room } = await chat.openRoom({ department: dept.id });
        served.push(await chat.servedBy(token, room._id));
      }
      expect(served).toEqual([a, b, c, a, b, c]);
    });
  });

  describe('Manual_Selection', () => {
    it('assigns nothing; the room waits in inquiries.queued until an operator takes it', async () => {
      await api.setSetting('Livechat_Routing_Method', 'Manual_Selection');
      const agent = uniq('manual');
      const dept = await department([agent]);
      const { token, room } = await chat.openRoom({ department: dept.id });
      const inquiry = await expectEventually(async () => {
        const found = (await api.queued(dept.id)).find((i) => i.rid === room._id);
        expect(found).toBeDefined();
        return found!;
      });
      expect(inquiry).toMatchObject({ rid: room._id, name: room.fname, department: dept.id, status: 'queued', v: { token } });
      expect((await chat.room(token, room._id)).servedBy).toBeUndefined();
      const taken = await api.post<{ inquiry: Record<string, any> }>('/api/v1/livechat/inquiries.take', { inquiryId: inquiry._id, userId: dept.ids[agent] }, { admin: true });
      expect(taken.status).toBe(200);
      expect(await chat.servedBy(token, room._id)).toBe(agent);
      expect((await api.queued()).some((i) => i.rid === room._id)).toBe(false);
      const again = await api.post('/api/v1/livechat/inquiries.take', { inquiryId: inquiry._id, userId: dept.ids[agent] }, { admin: true });
      expect(again.status).toBe(400);
    });
  });

  describe('preferred agent (agentId)', () => {
    it('serves the preferred agent when eligible', async () => {
      const [a, b] = [uniq('pref-a'), uniq('pref-b')];
      const dept = await department([a, b]);
      const { token, room } = await chat.openRoom({ department: dept.id }, { agentId: dept.ids[b] });
      expect(await chat.servedBy(token, room._id)).toBe(b);
    });

    it('routes normally for an unknown or not-available agentId', async () => {
      const [a, b] = [uniq('pref-c'), uniq('pref-d')];
      const dept = await department([a, b]);
      await api.setAvailability(dept.ids[b], 'not-available');
      const unknown = await chat.openRoom({ department: dept.id }, { agentId: 'NoSuchAgentAAAAAA' });
      expect(await chat.servedBy(unknown.token, unknown.room._id)).toBe(a);
      const unavailable = await chat.openRoom({ department: dept.id }, { agentId: dept.ids[b] });
      expect(await chat.servedBy(unavailable.token, unavailable.room._id)).toBe(a);
    });
  });

  describe('opening rules', () => {
    it('answers no-agent-online and creates no room when nobody is online', async () => {
      const token = await chat.visitor();
      const res = await api.room({ token });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: 'Sorry, no online agents [no-agent-online]', errorType: 'no-agent-online' });
      expect(await stack.db.query('SELECT 1 FROM rooms.rooms WHERE visitor_token = $1', [token])).toHaveLength(0);
    });

    it('opens the room and lets it wait when the only agent online is at capacity', async () => {
      const agent = uniq('busy');
      await api.createAgent(agent, { maxChats: 1 });
      const first = await chat.openRoom();
      expect(await chat.servedBy(first.token, first.room._id)).toBe(agent);
      const second = await chat.openRoom(); // no 400: the agent is online, only busy
      expect(second.room.servedBy).toBeUndefined();
      await api.closeRoom(first.room._id, first.token);
      expect(await chat.servedBy(second.token, second.room._id)).toBe(agent);
    });

    it('with accept-no-agents, queues the room and serves it once an agent becomes available, without a new request', async () => {
      await api.setSetting('Livechat_accept_chats_with_no_agents', true);
      const { token, room } = await chat.openRoom();
      expect(room.servedBy).toBeUndefined();
      await expectEventually(async () => expect((await api.queued()).some((i) => i.rid === room._id)).toBe(true));
      const agent = uniq('late');
      const id = await api.createAgent(agent);
      await api.setAvailability(id, 'not-available');
      await api.setAvailability(id, 'available');
      expect(await chat.servedBy(token, room._id)).toBe(agent);
    });

    it('answers error-omnichannel-is-disabled for a new room, but still answers an open one', async () => {
      await api.createAgent(uniq('enabled'));
      const open = await chat.openRoom();
      await api.setSetting('Livechat_enabled', false);
      const token = await chat.visitor();
      const res = await api.room({ token });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: '[error-omnichannel-is-disabled]', errorType: 'error-omnichannel-is-disabled' });
      const existing = await api.room({ token: open.token });
      expect(existing.status).toBe(200);
      expect(existing.body.room._id).toBe(open.room._id);
    });

    it('places a visitor without department in the first enabled department shown on registration with an eligible agent', async () => {
      const hidden = await department([uniq('hidden')], { showOnRegistration: false });
      const disabled = await department([uniq('disabled')], { showOnRegistration: true, enabled: false });
      const shown = await department([uniq('shown')], { showOnRegistration: true });
      const { room } = await chat.openRoom();
      expect(room.departmentId).toBe(shown.id);
      expect([hidden.id, disabled.id]).not.toContain(room.departmentId);
      // Leave no department shown on registration for later tests.
      await api.saveDepartment({ name: uniq('shown-off'), enabled: true, showOnRegistration: false }, undefined, shown.id);
    });

    it('stores a department given by name as its _id, and refuses an unknown one', async () => {
      const name = uniq('Sales');
      const saved = await api.saveDepartment({ name, enabled: true, showOnRegistration: false });
      const byName = await api.registerVisitor({ token: uniq('by-name'), department: name });
      expect(byName.status).toBe(200);
      expect(byName.body.visitor.department).toBe(saved.department._id);
      const unknown = await api.registerVisitor({ token: uniq('unknown-dept'), department: 'No Such Department' });
      expect(unknown.status).toBe(400);
      expect(unknown.body).toEqual({
        success: false,
        error: 'The provided department is invalid [error-invalid-department]',
        errorType: 'error-invalid-department',
      });
    });

    it('serves a room through the fallback department when nobody is online in its own, and says so in departmentId', async () => {
      const backup = await department([uniq('backup')]);
      const empty = await department([], { fallbackForwardDepartment: backup.id });
      const token = await chat.visitor({ department: empty.id });
      const res = await api.room({ token });
      expect(res.status).toBe(200);
      const agent = await chat.servedBy(token, res.body.room._id);
      expect(agent).toBe(Object.keys(backup.ids)[0]);
      expect((await chat.room(token, res.body.room._id)).departmentId).toBe(backup.id);
    });
  });

  describe('capacity and the queue', () => {
    it("keeps each agent within the department's per-agent limit", async () => {
      const [a, b] = [uniq('cap-a'), uniq('cap-b')];
      const dept = await department([a, b], { maxNumberSimultaneousChat: 1 });
      const rooms = [await chat.openRoom({ department: dept.id }), await chat.openRoom({ department: dept.id })];
      const served = await Promise.all(rooms.map((r) => chat.servedBy(r.token, r.room._id)));
      expect(new Set(served)).toEqual(new Set([a, b]));
      const third = await chat.openRoom({ department: dept.id });
      await api.closeRoom(rooms[0].room._id, rooms[0].token);
      expect(await chat.servedBy(third.token, third.room._id)).toBe(served[0]);
    });

    it("puts a deleted agent's rooms back in the queue and serves them with another agent", async () => {
      const [a, b] = [uniq('del-a'), uniq('del-b')];
      const dept = await department([a, b]);
      await api.setAvailability(dept.ids[b], 'not-available');
      const { token, room } = await chat.openRoom({ department: dept.id });
      expect(await chat.servedBy(token, room._id)).toBe(a);
      await api.deleteAgent(dept.ids[a]);
      await api.setAvailability(dept.ids[b], 'available');
      await expectEventually(async () => expect((await chat.room(token, room._id)).servedBy?.username).toBe(b));
    });

    it('serves a waiting room when its limit is raised', async () => {
      await api.setSetting('Livechat_maximum_chats_per_agent', 1);
      const agent = uniq('raise');
      await api.createAgent(agent);
      const first = await chat.openRoom();
      expect(await chat.servedBy(first.token, first.room._id)).toBe(agent);
      const second = await chat.openRoom();
      expect(second.room.servedBy).toBeUndefined();
      await api.setSetting('Livechat_maximum_chats_per_agent', 2);
      expect(await chat.servedBy(second.token, second.room._id)).toBe(agent);
    });
  });

  describe('events', () => {
    it('publishes one room.opened, one room.assigned with the agent, and one room.closed per room', async () => {
      const agent = uniq('evt');
      const agentId = await api.createAgent(agent);
      const { token, room } = await chat.openRoom();
      await chat.servedBy(token, room._id);
      await api.closeRoom(room._id, token);
      const events = await expectEventually(async () => {
        const all = (await readStream(stack.nats.url)).filter((e) => e.data.room?._id === room._id);
        const mine = all.filter((e) => e.subject.startsWith('room.'));
        expect(mine.map((e) => e.subject)).toEqual(['room.opened', 'room.assigned', 'room.closed']);
        // The assignment's uj and the close's livechat-close (see messages.e2e-spec).
        expect(all.filter((e) => e.subject === 'message.sent').map((e) => e.data.message.t)).toEqual(['uj', 'livechat-close']);
        return mine;
      });
      const assigned = events[1].data;
      expect(assigned.agent).toEqual({ _id: agentId, username: agent });
      expect(assigned.room).toMatchObject({ _id: room._id, usersCount: 2, servedBy: { _id: agentId, username: agent } });
      expect(events[2].data.room.metrics.serviceTimeDuration).toBeGreaterThanOrEqual(0);
    });
  });
});
