import { createHash } from 'node:crypto';
import { expectEventually } from '../../harness/eventually.js';
import { Api, type AgentApi, type AgentCredentials } from '../../harness/http.js';
import { readStream } from '../../harness/jetstream.js';
import { Livechat } from '../support/livechat.js';
import { wrongToken } from '../support/tokens.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

const ID = /^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UNAUTHORIZED = { success: false, error: 'unauthorized' };
const NOT_ALLOWED = { success: false, error: 'error-not-allowed' };

/**
 * docs/api.md#agents-sign-in end to end, on two gateway replicas: agents' credentials (users.createToken, X-User-Id +
 * X-Auth-Token, logout, revocation with the agent) and every endpoint an agent may call, with its errors.
 * Rooms are routed by hand (Manual_Selection): each test's agent takes the rooms it serves, for itself.
 */
describe('agents sign in and act for themselves (docs/api.md#agents-sign-in)', () => {
  let stack: TestStack;
  let api: Api;
  let other: Api;
  let chat: Livechat;
  let n = 0;
  const uniq = (name: string) => `${name}-${(n += 1)}`;

  beforeAll(async () => {
    stack = await TestStack.start({ replicas: { gateway: 2 } });
    api = new Api(stack.baseUrls[0], ADMIN_TOKEN);
    other = new Api(stack.baseUrls[1], ADMIN_TOKEN);
    chat = new Livechat(api);
    await api.setSetting('Livechat_Routing_Method', 'Manual_Selection');
  });
  afterAll(() => stack?.stop());

  /** A new agent and a token of theirs, as seen through the first gateway. */
  async function agent(fields: { name?: string; maxChats?: number } = {}): Promise<{ id: string; username: string; me: AgentApi }> {
    const username = uniq('agent');
    const id = await api.createAgent(username, fields);
    return { id, username, me: api.as(await api.createToken(id)) };
  }

  /** The waiting room's inquiry, once routing has queued it (from room.opened). */
  function inquiryOf(rid: string): Promise<Record<string, any>> {
    return expectEventually(async () => {
      const inquiry = (await api.queued()).find((i) => i.rid === rid);
      expect(inquiry, `room ${rid} queued`).toBeDefined();
      return inquiry!;
    });
  }

  /** A new visitor's room, taken by the agent for themselves; answers it once rooms shows it served. */
  async function servedRoom(me: AgentApi, visitor: Record<string, unknown> = { name: 'Mary' }): Promise<{ token: string; room: Record<string, any> }> {
    const { token, room } = await chat.openRoom(visitor);
    const inquiry = await inquiryOf(room._id);
    const taken = await me.take(inquiry._id);
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    const served = await expectEventually(async () => {
      const now = await chat.room(token, room._id);
      expect(now.servedBy?._id).toBe(me.credentials.userId);
      return now;
    });
    return { token, room: served };
  }

  describe('POST users.createToken', () => {
    it('answers {data: {userId, authToken}} once, and keeps only the SHA-256 of the token', async () => {
      const id = await api.createAgent(uniq('token'));
      const res = await api.post<{ data: AgentCredentials }>('/api/v1/users.createToken', { userId: id }, { admin: true });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { userId: id, authToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) }, success: true });
      const { authToken } = res.body.data;
      const rows = await stack.db.query<{ token_hash: Buffer }>('SELECT token_hash FROM routing.agent_tokens WHERE agent_id = $1', [id]);
      expect(rows.map((r) => r.token_hash.toString('hex'))).toEqual([createHash('sha256').update(authToken).digest('hex')]);
      // Nowhere in the database as itself.
      const dump = await stack.db.query<{ hit: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM routing.agent_tokens t WHERE position(convert_to($1, 'UTF8') in t.token_hash) > 0) AS hit`,
        [authToken],
      );
      expect(dump[0].hit).toBe(false);
    });

    it('gives an agent several tokens, each valid on its own', async () => {
      const { id, me } = await agent();
      const second = api.as(await api.createToken(id));
      expect(second.credentials.authToken).not.toBe(me.credentials.authToken);
      for (const session of [me, second]) expect((await session.me()).status).toBe(200);
    });

    it('answers the reference errors for an unknown agent and a missing userId', async () => {
      const unknown = await api.post('/api/v1/users.createToken', { userId: 'NoSuchAgent123456' }, { admin: true });
      expect(unknown.status).toBe(400);
      expect(unknown.body).toEqual({
        success: false,
        error: 'The required "userId" or "username" param provided does not match any users [error-invalid-user]',
        errorType: 'error-invalid-user',
      });
      const missing = await api.post('/api/v1/users.createToken', {}, { admin: true });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBe('The required "userId" or "username" param was not provided [error-user-param-not-provided]');
    });

    it("is the operator's: 401 without the token, 403 with an agent's credentials", async () => {
      const { id, me } = await agent();
      expect((await api.post('/api/v1/users.createToken', { userId: id })).status).toBe(401);
      const byAgent = await me.request('POST', '/api/v1/users.createToken', { userId: id });
      expect(byAgent.status).toBe(403);
      expect(byAgent.body).toEqual(UNAUTHORIZED);
      expect(await stack.db.query('SELECT 1 FROM routing.agent_tokens WHERE agent_id = $1', [id])).toHaveLength(1);
    });
  });

  describe('credentials: X-User-Id + X-Auth-Token', () => {
    it('GET me answers the agent', async () => {
      const { id, username, me } = await agent({ name: 'Alice Agent' });
      const res = await me.me();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ _id: id, username, name: 'Alice Agent', status: 'online', statusLivechat: 'available', success: true });
    });

    it("refuses missing, wrong and another agent's credentials with 401", async () => {
      const alice = await agent();
      const bob = await agent();
      const cases: [string, Record<string, string>][] = [
        ['no credentials', {}],
        ['X-User-Id alone', { 'x-user-id': alice.id }],
        ['the token alone', { 'x-auth-token': alice.me.credentials.authToken }],
        ['a wrong token', { 'x-user-id': alice.id, 'x-auth-token': wrongToken(alice.me.credentials.authToken) }],
        ["Bob's id with Alice's token", { 'x-user-id': bob.id, 'x-auth-token': alice.me.credentials.authToken }],
        ["Alice's id with Bob's token", { 'x-user-id': alice.id, 'x-auth-token': bob.me.credentials.authToken }],
        ['an unknown id', { 'x-user-id': 'NoSuchAgent123456', 'x-auth-token': alice.me.credentials.authToken }],
        ['the operator token alone', { 'x-auth-token': ADMIN_TOKEN }],
        ['the operator token with an agent id', { 'x-user-id': alice.id, 'x-auth-token': ADMIN_TOKEN }],
      ];
      for (const [label, headers] of cases) {
        for (const path of ['/api/v1/me', '/api/v1/chat.syncMessages?roomId=x&lastUpdate=2020-01-01T00:00:00.000Z']) {
          const res = await api.get(path, { headers });
          expect(res.status, `${label} ${path}`).toBe(401);
          expect(res.body, label).toEqual(UNAUTHORIZED);
        }
        const logout = await api.request('POST', '/api/v1/logout', { headers });
        expect(logout.status, `${label} logout`).toBe(401);
      }
      // The refusals revoked nothing.
      expect((await alice.me.me()).status).toBe(200);
      expect((await bob.me.me()).status).toBe(200);
    });

    it("answers 403 to an agent's credentials on every operator-only endpoint", async () => {
      const { id, me } = await agent();
      const operatorOnly: [string, string, unknown?][] = [
        ['GET', '/api/v1/livechat/users/agent'],
        ['POST', '/api/v1/livechat/users/agent', { username: uniq('sneaky') }],
        ['GET', `/api/v1/livechat/users/agent/${id}`],
        ['DELETE', `/api/v1/livechat/users/agent/${id}`],
        ['POST', '/api/v1/users.setStatus', { userId: id, status: 'away' }],
        ['POST', '/api/v1/users.createToken', { userId: id }],
        ['GET', '/api/v1/livechat/department'],
        ['POST', '/api/v1/livechat/department', { department: { name: uniq('d'), enabled: true, showOnRegistration: true } }],
        ['POST', '/api/v1/settings/Livechat_Routing_Method', { value: 'Auto_Selection' }],
        ['GET', '/api/v1/livechat/inquiries.queued'],
        ['GET', '/api/v1/console/rooms.recent'],
      ];
      for (const [method, path, body] of operatorOnly) {
        const res = await me.request(method, path, body);
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body).toEqual(UNAUTHORIZED);
      }
      // Nothing happened: the agent is still there, routing is still manual.
      expect((await api.agents()).find((a) => a._id === id)).toMatchObject({ status: 'online' });
      expect(await stack.db.query(`SELECT 1 FROM routing.settings WHERE id = 'Livechat_Routing_Method' AND value = '"Manual_Selection"'`)).toHaveLength(1);
    });

    it('logout revokes the token it carries, at once on every gateway replica; the agent’s other tokens stay', async () => {
      const { id, me } = await agent();
      const kept = api.as(await api.createToken(id));
      const throughOther = other.as(me.credentials);
      expect((await throughOther.me()).status).toBe(200);
      const res = await me.logout();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true });
      // The very next request, on either replica: no cache to outlive the revocation.
      for (const session of [throughOther, me]) {
        const after = await session.me();
        expect(after.status).toBe(401);
        expect(after.body).toEqual(UNAUTHORIZED);
      }
      expect((await kept.me()).status).toBe(200);
      expect((await other.as(kept.credentials).me()).status).toBe(200);
    });

    it('deleting the agent revokes all their tokens at once on every gateway replica', async () => {
      const { id, me } = await agent();
      const second = other.as(await api.createToken(id));
      expect((await me.me()).status).toBe(200);
      expect((await second.me()).status).toBe(200);
      await other.deleteAgent(id);
      for (const session of [me, second, api.as(second.credentials), other.as(me.credentials)]) expect((await session.me()).status).toBe(401);
      expect(await stack.db.query('SELECT 1 FROM routing.agent_tokens WHERE agent_id = $1', [id])).toHaveLength(0);
    });

    it('refuses revoked tokens on both replicas while they are used under load (no answer from a stale cache)', async () => {
      // 10 agents each logging out while their token is being used on both replicas: once logout is
      // answered, no later request with that token succeeds, on either replica.
      const sessions = await Promise.all(Array.from({ length: 10 }, () => agent()));
      await Promise.all(
        sessions.map(async ({ me }) => {
          const replicas = [api.as(me.credentials), other.as(me.credentials)];
          let loggedOutAt = Infinity;
          const hammer = (async () => {
            for (let i = 0; i < 30; i += 1) {
              const startedAt = Date.now();
              const res = await replicas[i % 2].me();
              if (startedAt > loggedOutAt) expect(res.status, 'a request sent after logout was answered').toBe(401);
            }
          })();
          await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 50));
          expect((await me.logout()).status).toBe(200);
          loggedOutAt = Date.now();
          await hammer;
        }),
      );
    });
  });

  describe('POST livechat/agent.status', () => {
    it('sets their own availability (agentId omitted or their own)', async () => {
      const { id, me } = await agent();
      expect((await me.setStatus('not-available')).body).toEqual({ status: 'not-available', success: true });
      expect((await api.agents()).find((a) => a._id === id)?.statusLivechat).toBe('not-available');
      expect((await me.setStatus('available', id)).body).toEqual({ status: 'available', success: true });
      expect((await me.me()).body.statusLivechat).toBe('available');
    });

    it("answers 403 for another agent's, and changes nothing", async () => {
      const alice = await agent();
      const bob = await agent();
      const res = await alice.me.setStatus('not-available', bob.id);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(UNAUTHORIZED);
      expect((await bob.me.me()).body.statusLivechat).toBe('available');
    });

    it('still needs agentId from the operator', async () => {
      const res = await api.post('/api/v1/livechat/agent.status', { status: 'available' }, { admin: true });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: "'agentId' is required" });
    });
  });

  describe('POST livechat/inquiries.take', () => {
    it('takes a waiting room for themselves', async () => {
      const { id, username, me } = await agent();
      const { token, room } = await chat.openRoom({ name: 'Waiting' });
      const inquiry = await inquiryOf(room._id);
      const res = await me.take(inquiry._id);
      expect(res.status).toBe(200);
      expect(res.body.inquiry).toMatchObject({ _id: inquiry._id, rid: room._id, status: 'taken' });
      expect(await chat.servedBy(token, room._id)).toBe(username);
      expect((await api.agents()).find((a) => a._id === id)?.activeChats).toBe(1);
    });

    it("answers 403 for another agent's userId, and leaves the room waiting", async () => {
      const alice = await agent();
      const bob = await agent();
      const { room } = await chat.openRoom();
      const inquiry = await inquiryOf(room._id);
      const res = await alice.me.take(inquiry._id, bob.id);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(UNAUTHORIZED);
      expect((await api.queued()).map((i) => i._id)).toContain(inquiry._id);
      // Naming themselves is taking it for themselves.
      expect((await alice.me.take(inquiry._id, alice.id)).status).toBe(200);
    });

    it('still needs userId from the operator', async () => {
      const res = await api.post('/api/v1/livechat/inquiries.take', { inquiryId: 'whatever' }, { admin: true });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: "'userId' is required" });
    });
  });

  describe('GET livechat/rooms', () => {
    it('answers an agent the rooms they serve or served, newest first, paged with count, offset and total', async () => {
      const alice = await agent();
      const bob = await agent();
      const mine = [];
      for (let i = 0; i < 3; i += 1) mine.push(await servedRoom(alice.me));
      await servedRoom(bob.me);
      expect((await alice.me.close(mine[0].room._id)).status).toBe(200);
      const all = await alice.me.rooms();
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ count: 3, offset: 0, total: 3, success: true });
      expect(all.body.rooms.map((r) => r._id)).toEqual(mine.map((m) => m.room._id).reverse());
      expect(all.body.rooms.every((r) => r.servedBy._id === alice.id)).toBe(true);
      const page = await alice.me.rooms('?count=1&offset=1');
      expect(page.body).toMatchObject({ count: 1, offset: 1, total: 3 });
      expect(page.body.rooms[0]._id).toBe(mine[1].room._id);
      expect((await alice.me.rooms('?open=false')).body.rooms.map((r) => r._id)).toEqual([mine[0].room._id]);
      expect((await alice.me.rooms('?open=true')).body.total).toBe(2);
      expect((await alice.me.rooms(`?agents[]=${alice.id}`)).body.total).toBe(3);
      expect((await alice.me.rooms('?offset=10')).body).toMatchObject({ rooms: [], count: 0, offset: 10, total: 3 });
    });

    it("answers 403 when an agent asks for another agent's rooms", async () => {
      const alice = await agent();
      const bob = await agent();
      for (const query of [`?agents[]=${bob.id}`, `?agents[]=${alice.id}&agents[]=${bob.id}`]) {
        const res = await alice.me.rooms(query);
        expect(res.status, query).toBe(403);
        expect(res.body).toEqual(UNAUTHORIZED);
      }
    });

    it("answers the operator every room, or the named agents'", async () => {
      const alice = await agent();
      const bob = await agent();
      const a = await servedRoom(alice.me);
      const b = await servedRoom(bob.me);
      const all = await api.get<{ rooms: Record<string, any>[]; total: number }>('/api/v1/livechat/rooms?count=100', { admin: true });
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(Number((await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM rooms.rooms'))[0].n));
      expect(all.body.rooms.map((r) => r._id)).toEqual(expect.arrayContaining([a.room._id, b.room._id]));
      const both = await api.get<{ rooms: Record<string, any>[]; total: number }>(`/api/v1/livechat/rooms?agents[]=${alice.id}&agents[]=${bob.id}`, { admin: true });
      expect(both.body.rooms.map((r) => r._id)).toEqual([b.room._id, a.room._id]);
    });

    it('answers 400 for bad parameters', async () => {
      const { me } = await agent();
      for (const query of ['?open=yes', '?count=0', '?count=x', '?offset=-1', '?sort={}', '?agents=x', '?open=true&open=false']) {
        const res = await me.rooms(query);
        expect(res.status, query).toBe(400);
        expect(res.body.success).toBe(false);
      }
    });
  });

  describe('POST chat.sendMessage', () => {
    it("answers the agent's message and drives the room's response metrics", async () => {
      const { id, username, me } = await agent({ name: 'Alice Agent' });
      const { token, room } = await servedRoom(me);
      const question = await api.sendMessage({ token, rid: room._id, msg: 'Where is my order?' });
      expect(question.status).toBe(200);
      const res = await me.send({ rid: room._id, msg: 'It ships *today*' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const message = res.body.message;
      expect(message).toEqual({
        _id: expect.stringMatching(ID),
        rid: room._id,
        msg: 'It ships *today*',
        ts: expect.stringMatching(ISO),
        u: { _id: id, username, name: 'Alice Agent' },
        _updatedAt: expect.stringMatching(ISO),
        urls: [],
        mentions: [],
        channels: [],
        md: [{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: 'It ships ' }, { type: 'BOLD', value: [{ type: 'PLAIN_TEXT', value: 'today' }] }] }],
      });
      const now = await chat.room(token, room._id);
      expect(now).toMatchObject({
        msgs: 2,
        lastMessage: message,
        responseBy: { _id: id, username, firstResponseTs: message.ts, lastMessageTs: message.ts },
        metrics: {
          v: { lq: question.body.message.ts },
          servedBy: { lr: message.ts },
          response: { fd: message.ts, total: 1, ft: expect.any(Number), avg: expect.any(Number), tt: expect.any(Number) },
          reaction: { fd: message.ts, ft: expect.any(Number), tt: expect.any(Number) },
        },
      });
      expect(now).not.toHaveProperty('waitingResponse');
      // The visitor reads it in their history.
      const history = await api.history(room._id, { token });
      expect(history.body.messages[0]).toEqual(message);
    });

    it('stores a message retried with its _id once', async () => {
      const { me } = await agent();
      const { token, room } = await servedRoom(me);
      const _id = `agent-client-id-${n}`;
      const replies = await Promise.all(Array.from({ length: 5 }, (_, i) => me.send({ rid: room._id, msg: `attempt ${i}`, _id })));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(new Set(replies.map((r) => JSON.stringify(r.body.message))).size).toBe(1);
      expect((await chat.room(token, room._id)).msgs).toBe(1);
      expect(await stack.db.query('SELECT 1 FROM rooms.messages WHERE id = $1', [_id])).toHaveLength(1);
    });

    it('answers 403 error-not-allowed outside an open room the agent serves, and writes nothing', async () => {
      const alice = await agent();
      const bob = await agent();
      const bobs = await servedRoom(bob.me);
      const waiting = await chat.openRoom();
      const closed = await servedRoom(alice.me);
      expect((await alice.me.close(closed.room._id)).status).toBe(200);
      const rids = { "another agent's room": bobs.room._id, 'a waiting room': waiting.room._id, 'a closed room of theirs': closed.room._id, 'an unknown room': 'NoSuchRoom1234567' };
      const before = await stack.db.query('SELECT id FROM rooms.messages');
      for (const [label, rid] of Object.entries(rids)) {
        const res = await alice.me.send({ rid, msg: 'intrusion' });
        expect(res.status, label).toBe(403);
        expect(res.body, label).toEqual(NOT_ALLOWED);
      }
      expect(await stack.db.query('SELECT id FROM rooms.messages')).toHaveLength(before.length);
      expect((await chat.room(bobs.token, bobs.room._id)).msgs).toBe(0);
    });

    it('answers 400 for a malformed message', async () => {
      const { me } = await agent();
      const { room } = await servedRoom(me);
      const cases: [unknown, string | undefined][] = [
        [{ msg: 'x' }, "'message.rid' is required"],
        [{ rid: room._id }, "'message.msg' is required"],
        [{ rid: room._id, msg: '  ' }, "'msg' should not be empty"],
        [{ rid: room._id, msg: 'x'.repeat(10_001) }, 'message-length-exceeds-character-limit'],
        [{ rid: room._id, msg: 'x', alias: 'boss' }, "unknown parameter 'message.alias'"],
        [{ rid: room._id, msg: 'x', _id: '' }, undefined],
      ];
      for (const [message, error] of cases) {
        const res = await me.request('POST', '/api/v1/chat.sendMessage', { message });
        expect(res.status, JSON.stringify(message).slice(0, 100)).toBe(400);
        if (error) expect(res.body.error).toBe(error);
      }
      expect((await me.request('POST', '/api/v1/chat.sendMessage', {})).body.error).toBe("'message' is required");
    });

    it('keeps every message when the visitor and the agent write at once (docs/guarantees.md#8-a-message-change-is-stored-counted-and-published-once: no lost update)', async () => {
      const { me } = await agent();
      const { token, room } = await servedRoom(me);
      expect((await api.sendMessage({ token, rid: room._id, msg: 'first question' })).status).toBe(200);
      const sends = Array.from({ length: 30 }, (_, i) =>
        i % 2 === 0 ? api.sendMessage({ token, rid: room._id, msg: `visitor ${i}` }) : me.send({ rid: room._id, msg: `agent ${i}` }),
      );
      expect((await Promise.all(sends)).map((r) => r.status)).toEqual(Array(30).fill(200));
      const messages = await stack.db.query<{ id: string; ts: Date; token: string | null }>(
        `SELECT id, ts, token FROM rooms.messages WHERE rid = $1 AND t IS NULL ORDER BY ts, id`,
        [room._id],
      );
      expect(messages).toHaveLength(31);
      const now = await chat.room(token, room._id);
      expect(now.msgs).toBe(31);
      const newest = messages[messages.length - 1];
      expect(now.lastMessage._id).toBe(newest.id);
      expect('waitingResponse' in now).toBe(newest.token !== null);
      // Each agent reply right after visitor messages is one more response (the reference's saveAnalyticsData).
      let replies = 0;
      for (let i = 1; i < messages.length; i += 1) if (messages[i].token === null && messages[i - 1].token !== null) replies += 1;
      expect(now.metrics.response.total).toBe(replies);
      // And every one of them was published once, in order of msgs.
      await expectEventually(async () => {
        const counts = new Set<number>();
        for (const e of await readStream(stack.nats.url)) if (e.subject === 'message.sent' && e.data.room._id === room._id && !e.data.message.t) counts.add(e.data.room.msgs);
        expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
      }, { timeoutMs: 15_000, intervalMs: 200 });
    });
  });

  describe('GET chat.syncMessages', () => {
    it('answers what changed strictly after lastUpdate: new and edited messages newest first, deleted ones as tombstones', async () => {
      const { me } = await agent();
      const { token, room } = await servedRoom(me);
      const first = (await api.sendMessage({ token, rid: room._id, msg: 'one' })).body.message;
      const since = first.ts;
      const second = (await api.sendMessage({ token, rid: room._id, msg: 'two' })).body.message;
      const reply = (await me.send({ rid: room._id, msg: 'three' })).body.message;
      const edited = (await api.editMessage(first._id, { token, rid: room._id, msg: 'one, edited' })).body.message;
      const deleted = await api.deleteMessage(second._id, { token, rid: room._id });
      expect(deleted.status).toBe(200);
      const res = await me.sync(room._id, since);
      expect(res.status).toBe(200);
      expect(res.body.result.updated.map((m) => m._id)).toEqual([reply._id, first._id]);
      expect(res.body.result.updated[1]).toEqual(edited);
      expect(res.body.result.deleted).toEqual([{ _id: second._id, _deletedAt: deleted.body.message.ts }]);
      // Nothing after the newest change.
      const newest = [edited._updatedAt, deleted.body.message.ts].sort().pop()!;
      expect((await me.sync(room._id, newest)).body.result).toEqual({ updated: [], deleted: [] });
      // The uj of the assignment is in the history before `since`, so not here; from the room's start it is.
      expect((await me.sync(room._id, room.ts)).body.result.updated.some((m) => m.t === 'uj')).toBe(true);
    });

    it('reads a room the agent served after it closed, and never another agent’s room', async () => {
      const alice = await agent();
      const bob = await agent();
      const mine = await servedRoom(alice.me);
      const bobs = await servedRoom(bob.me);
      expect((await alice.me.close(mine.room._id, 'Bye')).status).toBe(200);
      const closedSync = await alice.me.sync(mine.room._id, mine.room.ts);
      expect(closedSync.status).toBe(200);
      expect(closedSync.body.result.updated[0]).toMatchObject({ t: 'livechat-close', msg: 'Bye' });
      for (const rid of [bobs.room._id, 'NoSuchRoom1234567', (await chat.openRoom()).room._id]) {
        const res = await alice.me.sync(rid, '2020-01-01T00:00:00.000Z');
        expect(res.status, rid).toBe(403);
        expect(res.body).toEqual(NOT_ALLOWED);
      }
    });

    it('answers the reference errors for missing and bad parameters', async () => {
      const { me } = await agent();
      const get = (query: string) => me.request('GET', `/api/v1/chat.syncMessages${query}`);
      expect((await get('?lastUpdate=2020-01-01T00:00:00.000Z')).body.error).toBe('The required "roomId" query param is missing. [error-roomId-param-not-provided]');
      expect((await get('?roomId=x')).body.error).toBe('The required "lastUpdate" query param is missing. [error-lastUpdate-param-not-provided]');
      expect((await get('?roomId=x&lastUpdate=yesterday')).body.error).toBe('The "lastUpdate" query parameter must be a valid date. [error-roomId-param-invalid]');
      expect((await get('?roomId=x&lastUpdate=2020-01-01T00:00:00.000Z&count=5')).status).toBe(400);
    });
  });

  describe('POST livechat/room.closeByUser', () => {
    it('closes a room the agent serves: closer user, closedBy the agent, the livechat-close message, capacity released', async () => {
      const { id, username, me } = await agent();
      const { token, room } = await servedRoom(me);
      expect((await api.agents()).find((a) => a._id === id)?.activeChats).toBe(1);
      const res = await me.close(room._id, 'Solved, thanks');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true });
      const closed = (await api.history(room._id, { token })).body.messages[0];
      expect(closed).toMatchObject({ t: 'livechat-close', msg: 'Solved, thanks', u: { _id: id, username } });
      const [row] = await stack.db.query<Record<string, any>>('SELECT * FROM rooms.rooms WHERE id = $1', [room._id]);
      expect(row).toMatchObject({ open: false, closer: 'user', closed_by_id: id, closed_by_username: username, visitor_status: 'offline' });
      expect(row.metrics).toMatchObject({ chatDuration: expect.any(Number), serviceTimeDuration: expect.any(Number) });
      await expectEventually(async () => expect((await api.agents()).find((a) => a._id === id)?.activeChats).toBe(0));
      // The visitor's GET room now opens a new one.
      expect((await api.room({ token })).body.newRoom).toBe(true);
      const [event] = (await expectEventually(async () => {
        const found = (await readStream(stack.nats.url)).filter((e) => e.subject === 'room.closed' && e.data.room._id === room._id);
        expect(found).toHaveLength(1);
        return found;
      }));
      expect(event.data.room).toMatchObject({ closer: 'user', closedBy: { _id: id, username } });
    });

    it('answers the reference errors: unknown room, not theirs, closed already; nothing changes', async () => {
      const alice = await agent();
      const bob = await agent();
      const bobs = await servedRoom(bob.me);
      const waiting = await chat.openRoom();
      const cases: [string, string][] = [
        ['NoSuchRoom1234567', 'error-invalid-room'],
        [bobs.room._id, 'error-not-authorized'],
        [waiting.room._id, 'error-not-authorized'],
      ];
      for (const [rid, error] of cases) {
        const res = await alice.me.close(rid);
        expect(res.status, rid).toBe(400);
        expect(res.body).toEqual({ success: false, error });
      }
      expect((await chat.room(bobs.token, bobs.room._id)).open).toBe(true);
      const mine = await servedRoom(alice.me);
      expect((await alice.me.close(mine.room._id)).status).toBe(200);
      expect((await alice.me.close(mine.room._id)).body).toEqual({ success: false, error: 'error-room-already-closed' });
      // Without a comment the livechat-close message is empty, as the reference's.
      expect((await api.history(mine.room._id, { token: mine.token })).body.messages[0]).toMatchObject({ t: 'livechat-close', msg: '' });
    });

    it('is for agents only: the operator token is 401', async () => {
      const { me } = await agent();
      const { room } = await servedRoom(me);
      const res = await api.post('/api/v1/livechat/room.closeByUser', { rid: room._id }, { admin: true });
      expect(res.status).toBe(401);
      expect((await me.close(room._id)).status).toBe(200);
    });
  });
});
