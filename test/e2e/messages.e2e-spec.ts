import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { readStream, type StoredEvent } from '../../harness/jetstream.js';
import { Livechat } from '../support/livechat.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

const ID = /^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const paragraph = (text: string) => [{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: text }] }];

/** docs/api.md#messages end to end: the visitor message endpoints, the room fields they drive, and their events. */
describe('messages: POST livechat/message, messages.history, GET|PUT|DELETE livechat/message/:_id', () => {
  let stack: TestStack;
  let api: Api;
  let chat: Livechat;
  let seq = 0;

  beforeAll(async () => {
    stack = await TestStack.start();
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    chat = new Livechat(api);
    // No agent: rooms open and wait, so their conversation is the visitor's alone until a test assigns one.
    await api.setSetting('Livechat_accept_chats_with_no_agents', true);
  });
  afterAll(() => stack?.stop());

  const open = (fields: Record<string, unknown> = { name: 'Mary' }) => chat.openRoom(fields);
  const text = () => `message ${(seq += 1)}`;

  async function send(token: string, rid: string, msg = text(), extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
    const res = await api.sendMessage({ token, rid, msg, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.message;
  }

  const messageRows = async (rid: string) => (await stack.db.query<{ id: string }>('SELECT id FROM rooms.messages WHERE rid = $1', [rid])).length;

  /** The room's events on the stream once `count` of them carry `subject` (deduplicated by eventId). */
  async function eventsOf(rid: string, subject: string, count: number): Promise<StoredEvent[]> {
    return expectEventually(async () => {
      const byId = new Map<string, StoredEvent>();
      for (const e of await readStream(stack.nats.url)) if (e.data.room?._id === rid && e.subject === subject) byId.set(e.data.eventId, e);
      expect(byId.size).toBe(count);
      return [...byId.values()];
    }, { timeoutMs: 15_000, intervalMs: 200 });
  }

  describe('POST livechat/message', () => {
    it("stores the visitor's message as the reference's object and answers it", async () => {
      const { token, room } = await open();
      const message = await send(token, room._id, 'Hello *there*');
      expect(message).toEqual({
        _id: expect.stringMatching(ID),
        rid: room._id,
        msg: 'Hello *there*',
        token,
        alias: 'Mary',
        ts: expect.stringMatching(ISO),
        u: { _id: room.v._id, username: room.v.username, name: 'Mary' },
        _updatedAt: expect.stringMatching(ISO),
        urls: [],
        mentions: [],
        channels: [],
        md: [{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: 'Hello ' }, { type: 'BOLD', value: [{ type: 'PLAIN_TEXT', value: 'there' }] }] }],
      });
    });

    it('keeps the room fields true: msgs, lm, lastMessage, v.lastMessageTs, waitingResponse, metrics.v.lq', async () => {
      const { token, room } = await open();
      expect(room).toMatchObject({ msgs: 0, default: false, ro: false, sysMes: true, waitingResponse: true });
      const first = await send(token, room._id, 'first');
      const second = await send(token, room._id, 'second https://rocket.chat');
      const now = await chat.room(token, room._id);
      expect(now).toMatchObject({
        msgs: 2,
        lm: second.ts,
        lastMessage: second,
        v: { lastMessageTs: second.ts },
        waitingResponse: true,
        // The visitor's query starts at their first message; the second continues it.
        metrics: { v: { lq: first.ts } },
      });
      expect(Date.parse(now._updatedAt)).toBeGreaterThanOrEqual(Date.parse(second.ts));
      expect(second.urls).toEqual([{ url: 'https://rocket.chat', meta: {} }]);
      expect(now).not.toHaveProperty('responseBy');
    });

    it('publishes message.sent with the room as it is after the message, and the message', async () => {
      const { token, room } = await open();
      const message = await send(token, room._id);
      const [event] = await eventsOf(room._id, 'message.sent', 1);
      expect(event.msgId).toBe(event.data.eventId);
      expect(event.data).toMatchObject({ type: 'message.sent', version: 1, occurredAt: message.ts, message, room: { _id: room._id, msgs: 1, lastMessage: message } });
    });

    it('answers the documented errors and writes nothing', async () => {
      const { token, room } = await open();
      const other = await open();
      const closed = await open();
      expect((await api.closeRoom(closed.room._id, closed.token)).status).toBe(200);
      const cases: [Record<string, unknown>, number, Record<string, unknown>][] = [
        [{ token: 'nobody-has-this', rid: room._id, msg: 'x' }, 400, { error: 'invalid-token' }],
        [{ token, rid: 'aaaaaaaaaaaaaaaaa', msg: 'x' }, 400, { error: 'invalid-room' }],
        [{ token, rid: other.room._id, msg: 'x' }, 400, { error: 'invalid-room' }],
        [{ token: closed.token, rid: closed.room._id, msg: 'x' }, 400, { error: 'room-closed' }],
        [{ token, rid: room._id, msg: '' }, 400, { error: "'msg' should not be empty" }],
        [{ token, rid: room._id, msg: ' \n\t ' }, 400, { error: "'msg' should not be empty" }],
        [{ token, rid: room._id, msg: 'x'.repeat(10_001) }, 400, { error: 'message-length-exceeds-character-limit' }],
        [{ token, rid: room._id }, 400, { error: "'msg' is required" }],
        [{ token, rid: room._id, msg: 42 }, 400, {}],
        [{ token, rid: room._id, msg: 'x', extra: 1 }, 400, { error: "unknown parameter 'extra'" }],
        [{ token, rid: room._id, msg: 'x', _id: '' }, 400, {}],
        [{ rid: room._id, msg: 'x' }, 400, {}],
      ];
      for (const [body, status, expected] of cases) {
        const res = await api.sendMessage(body as never);
        expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(status);
        expect(res.body, JSON.stringify(body).slice(0, 200)).toMatchObject({ success: false, ...expected });
      }
      expect(await messageRows(room._id)).toBe(0);
      expect(await messageRows(other.room._id)).toBe(0);
      // The closed room holds its livechat-close message only.
      expect(await messageRows(closed.room._id)).toBe(1);
      expect((await chat.room(token, room._id)).msgs).toBe(0);
    });

    it('accepts a message of exactly 10 000 characters', async () => {
      const { token, room } = await open();
      const message = await send(token, room._id, 'ab '.repeat(3_333) + 'c');
      expect(message.msg).toHaveLength(10_000);
    });
  });

  describe("the client's _id", () => {
    it('stores the message under it, and a sequential retry answers the stored message and changes nothing', async () => {
      const { token, room } = await open();
      const _id = `client-${Date.now()}-${(seq += 1)}`;
      const first = await send(token, room._id, 'original', { _id });
      expect(first._id).toBe(_id);
      for (let i = 0; i < 3; i += 1) {
        const again = await send(token, room._id, `retry ${i} says something else`, { _id });
        expect(again).toEqual(first);
      }
      expect(await chat.room(token, room._id)).toMatchObject({ msgs: 1, lastMessage: first });
      expect(await messageRows(room._id)).toBe(1);
      await eventsOf(room._id, 'message.sent', 1);
    });

    it('stores one message, counted and published once, for 10 sends of one _id at once', async () => {
      const { token, room } = await open();
      const _id = `burst-${Date.now()}-${(seq += 1)}`;
      const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => api.sendMessage({ token, rid: room._id, msg: `attempt ${i}`, _id })));
      expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
      const stored = replies[0].body.message;
      for (const r of replies) expect(r.body.message).toEqual(stored);
      expect((await chat.room(token, room._id)).msgs).toBe(1);
      expect(await messageRows(room._id)).toBe(1);
      await eventsOf(room._id, 'message.sent', 1);
      // Nothing more comes later.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await eventsOf(room._id, 'message.sent', 1);
    });

    it('answers invalid-message-id for an _id of another room, another sender or a system message', async () => {
      const mine = await open();
      const theirs = await open();
      const taken = await send(theirs.token, theirs.room._id, 'theirs', { _id: `taken-${Date.now()}` });
      expect((await api.sendMessage({ token: mine.token, rid: mine.room._id, msg: 'x', _id: taken._id })).body).toEqual({ success: false, error: 'invalid-message-id' });
      // The same visitor, another room of theirs: the first room closed, a second one opened.
      const ownTaken = await send(mine.token, mine.room._id, 'first room', { _id: `own-${Date.now()}` });
      expect((await api.closeRoom(mine.room._id, mine.token)).status).toBe(200);
      const second = (await api.room({ token: mine.token })).body.room;
      expect((await api.sendMessage({ token: mine.token, rid: second._id, msg: 'x', _id: ownTaken._id })).body).toEqual({ success: false, error: 'invalid-message-id' });
      const closing = (await api.history(mine.room._id, { token: mine.token })).body.messages.find((m) => m.t === 'livechat-close')!;
      expect((await api.sendMessage({ token: mine.token, rid: second._id, msg: 'x', _id: closing._id })).body).toEqual({ success: false, error: 'invalid-message-id' });
      expect(await messageRows(second._id)).toBe(0);
      // A retry into the closed room answers the stored message: it was stored before the close.
      expect((await api.sendMessage({ token: mine.token, rid: mine.room._id, msg: 'late retry', _id: ownTaken._id })).body.message).toEqual(ownTaken);
    });
  });

  it('counts 50 messages sent at once to one room: msgs + 50, 50 distinct ids in the history, 50 message.sent', async () => {
    const { token, room } = await open();
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => api.sendMessage({ token, rid: room._id, msg: `burst ${i}` })));
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200));
    const after = await chat.room(token, room._id);
    expect(after.msgs).toBe(50);
    const history = (await api.history(room._id, { token, limit: '100' })).body.messages;
    expect(new Set(history.map((m) => m._id)).size).toBe(50);
    expect(new Set(replies.map((r) => r.body.message._id))).toEqual(new Set(history.map((m) => m._id)));
    // The newest is the room's lastMessage; the history's order is the order they were stored.
    expect(after.lastMessage).toEqual(history[0]);
    const times = history.map((m) => Date.parse(m.ts));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(times).size).toBe(50);
    const events = await eventsOf(room._id, 'message.sent', 50);
    expect(new Set(events.map((e) => e.data.message._id))).toEqual(new Set(history.map((m) => m._id)));
    // Each event's room counted the messages stored so far, in order: 1…50.
    expect(events.map((e) => e.data.room.msgs).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  describe('GET livechat/messages.history/:rid', () => {
    it('answers newest first and pages by limit, offset and end; above 100 counts as 100', async () => {
      const { token, room } = await open();
      const sent: Record<string, any>[] = [];
      for (let batch = 0; batch < 6; batch += 1) {
        sent.push(...(await Promise.all(Array.from({ length: 20 }, () => send(token, room._id)))));
      }
      const newestFirst = [...sent].sort((a, b) => Date.parse(b.ts) - Date.parse(a.ts));
      const page = async (query: Record<string, string>) => {
        const res = await api.history(room._id, { token, ...query });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body.messages.map((m) => m._id);
      };
      expect(await page({})).toEqual(newestFirst.slice(0, 20).map((m) => m._id));
      expect(await page({ limit: '5', offset: '10' })).toEqual(newestFirst.slice(10, 15).map((m) => m._id));
      expect(await page({ limit: '1000' })).toHaveLength(100);
      expect(await page({ end: newestFirst[30].ts, limit: '3' })).toEqual(newestFirst.slice(31, 34).map((m) => m._id));
      expect(await page({ offset: '200' })).toEqual([]);
    });

    it('answers the errors: no token, an unknown token, a room not theirs, bad paging', async () => {
      const { token, room } = await open();
      const other = await open();
      const expectError = async (rid: string, query: Record<string, string>, error?: string) => {
        const res = await api.history(rid, query);
        expect(res.status, JSON.stringify(query)).toBe(400);
        if (error) expect(res.body).toEqual({ success: false, error });
      };
      await expectError(room._id, {}, 'error-token-param-not-provided');
      await expectError(room._id, { token: '' }, 'error-token-param-not-provided');
      await expectError(room._id, { token: 'nobody-has-this' }, 'invalid-token');
      await expectError(other.room._id, { token }, 'invalid-room');
      await expectError('aaaaaaaaaaaaaaaaa', { token }, 'invalid-room');
      for (const query of [{ limit: '0' }, { limit: '-1' }, { limit: 'ten' }, { offset: '-1' }, { end: 'yesterday' }, { foo: 'bar' }] as Record<string, string>[]) {
        await expectError(room._id, { token, ...query });
      }
    });

    it("includes the system messages and reads a closed room of the visitor's", async () => {
      const { token, room } = await open();
      const message = await send(token, room._id, 'before closing');
      expect((await api.closeRoom(room._id, token)).status).toBe(200);
      const res = await api.history(room._id, { token });
      expect(res.status).toBe(200);
      const [closing, first] = res.body.messages;
      expect(first).toEqual(message);
      expect(closing).toEqual({
        _id: expect.stringMatching(ID), rid: room._id, msg: 'Closed by visitor', t: 'livechat-close', groupable: false,
        transcriptRequested: false, ts: expect.stringMatching(ISO), u: { _id: room.v._id, username: room.v.username, name: 'Mary' },
        _updatedAt: expect.stringMatching(ISO), urls: [], mentions: [], channels: [], md: paragraph('Closed by visitor'),
      });
      // System messages are in the history, not in msgs nor lastMessage.
      const closedRoom = (await eventsOf(room._id, 'room.closed', 1))[0].data.room;
      expect(closedRoom).toMatchObject({ msgs: 1, lastMessage: message });
      const [sent] = (await eventsOf(room._id, 'message.sent', 2)).filter((e) => e.data.message.t === 'livechat-close');
      expect(sent.data).toMatchObject({ message: closing, room: { _id: room._id, closedAt: expect.any(String) } });
    });
  });

  describe('GET, PUT and DELETE livechat/message/:_id', () => {
    it("answers one message of the visitor's room, and invalid-message for one that is not in it", async () => {
      const { token, room } = await open();
      const message = await send(token, room._id);
      const elsewhere = await open();
      const theirs = await send(elsewhere.token, elsewhere.room._id);
      expect((await api.getMessage(message._id, { token, rid: room._id })).body).toEqual({ message, success: true });
      expect((await api.getMessage('nothing-has-this-id', { token, rid: room._id })).body).toEqual({ success: false, error: 'invalid-message' });
      expect((await api.getMessage(theirs._id, { token, rid: room._id })).body).toEqual({ success: false, error: 'invalid-message' });
      expect((await api.getMessage(theirs._id, { token, rid: elsewhere.room._id })).body).toEqual({ success: false, error: 'invalid-room' });
      expect((await api.getMessage(message._id, { token: 'nobody-has-this', rid: room._id })).body).toEqual({ success: false, error: 'invalid-token' });
      expect((await api.getMessage(message._id, { token })).status).toBe(400);
      expect((await api.getMessage(message._id, { token, rid: room._id, extra: '1' })).status).toBe(400);
    });

    it("edits the visitor's own message: editedAt, editedBy, a new md, lastMessage, and message.sent", async () => {
      const { token, room } = await open();
      const first = await send(token, room._id, 'frist');
      const res = await api.editMessage(first._id, { token, rid: room._id, msg: '_first_' });
      expect(res.status).toBe(200);
      const edited = res.body.message;
      expect(edited).toMatchObject({
        _id: first._id, ts: first.ts, msg: '_first_', editedBy: { _id: room.v._id, username: room.v.username },
        md: [{ type: 'PARAGRAPH', value: [{ type: 'ITALIC', value: [{ type: 'PLAIN_TEXT', value: 'first' }] }] }],
      });
      expect(Date.parse(edited.editedAt)).toBeGreaterThan(Date.parse(first.ts));
      expect(edited._updatedAt).toBe(edited.editedAt);
      expect(await chat.room(token, room._id)).toMatchObject({ msgs: 1, lastMessage: edited });
      expect((await api.getMessage(first._id, { token, rid: room._id })).body.message).toEqual(edited);
      const events = await eventsOf(room._id, 'message.sent', 2);
      expect(events.map((e) => e.data.message)).toContainEqual(edited);
    });

    it("deletes the visitor's own message: out of the history, msgs - 1, lastMessage the one before, message.deleted", async () => {
      const { token, room } = await open();
      const first = await send(token, room._id, 'stays');
      const second = await send(token, room._id, 'goes');
      const res = await api.deleteMessage(second._id, { token, rid: room._id });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({ message: { _id: second._id, ts: expect.stringMatching(ISO) }, success: true });
      expect((await api.history(room._id, { token })).body.messages.map((m) => m._id)).toEqual([first._id]);
      expect(await chat.room(token, room._id)).toMatchObject({ msgs: 1, lastMessage: first, lm: second.ts });
      expect((await api.getMessage(second._id, { token, rid: room._id })).body.error).toBe('invalid-message');
      expect((await api.deleteMessage(second._id, { token, rid: room._id })).body).toEqual({ success: false, error: 'invalid-message' });
      expect((await api.editMessage(second._id, { token, rid: room._id, msg: 'back?' })).body).toEqual({ success: false, error: 'invalid-message' });
      const [deleted] = await eventsOf(room._id, 'message.deleted', 1);
      expect(deleted.data).toMatchObject({ type: 'message.deleted', occurredAt: res.body.message.ts, message: second, room: { msgs: 1, lastMessage: first } });
      // The tombstone stays for a sync: the row is kept, marked.
      expect(await stack.db.query('SELECT 1 FROM rooms.messages WHERE id = $1 AND deleted_at IS NOT NULL', [second._id])).toHaveLength(1);
      // The retry of a send of a deleted message does not bring it back.
      expect((await api.sendMessage({ token, rid: room._id, msg: 'goes', _id: second._id })).body).toEqual({ success: false, error: 'invalid-message-id' });
    });

    it('refuses to edit or delete a message that is not the visitor’s own, or in a closed room', async () => {
      const { token, room } = await open();
      const mine = await send(token, room._id);
      const other = await open();
      const theirs = await send(other.token, other.room._id);
      const closing = await open();
      const before = await send(closing.token, closing.room._id);
      expect((await api.closeRoom(closing.room._id, closing.token)).status).toBe(200);
      const refusals: [string, Record<string, unknown>, string][] = [
        [theirs._id, { token, rid: room._id }, 'invalid-message'],
        [theirs._id, { token, rid: other.room._id }, 'invalid-room'],
        [mine._id, { token: 'nobody-has-this', rid: room._id }, 'invalid-token'],
        [before._id, { token: closing.token, rid: closing.room._id }, 'invalid-message'],
      ];
      for (const [id, access, error] of refusals) {
        expect((await api.editMessage(id, { ...access, msg: 'changed' })).body, `${id} ${error}`).toEqual({ success: false, error });
        expect((await api.deleteMessage(id, access)).body, `${id} ${error}`).toEqual({ success: false, error });
      }
      expect((await api.editMessage(mine._id, { token, rid: room._id, msg: '' })).status).toBe(400);
      expect((await api.editMessage(mine._id, { token, rid: room._id, msg: 'x'.repeat(10_001) })).body.error).toBe('message-length-exceeds-character-limit');
      expect((await api.getMessage(theirs._id, { token: other.token, rid: other.room._id })).body.message).toEqual(theirs);
      expect((await api.getMessage(mine._id, { token, rid: room._id })).body.message).toEqual(mine);
    });
  });

  it("another visitor can neither read nor write the room's messages", async () => {
    const { token, room } = await open();
    const message = await send(token, room._id, 'private');
    const intruder = await open();
    const as = { token: intruder.token, rid: room._id };
    const answers = [
      await api.sendMessage({ ...as, msg: 'hijack' }),
      await api.sendMessage({ ...as, msg: 'hijack', _id: message._id }),
      await api.history(room._id, { token: intruder.token }),
      await api.getMessage(message._id, as),
      await api.editMessage(message._id, { ...as, msg: 'hijacked' }),
      await api.deleteMessage(message._id, as),
    ];
    for (const res of answers) expect(res.body).toEqual({ success: false, error: 'invalid-room' });
    expect((await api.history(room._id, { token })).body.messages).toEqual([message]);
    expect(JSON.stringify(answers)).not.toContain('private');
  });

  describe('what an assignment and a visitor do to the room (docs/events.md)', () => {
    it('writes uj when an agent joins, publishes it, and does not count it', async () => {
      const { token, room } = await open({ name: 'Joan' });
      const message = await send(token, room._id, 'anyone there?');
      const agentId = await api.createAgent(`messages-agent-${Date.now()}`);
      const served = await expectEventually(async () => {
        const r = await chat.room(token, room._id);
        expect(r.servedBy?._id).toBe(agentId);
        return r;
      });
      const [joined, first] = (await api.history(room._id, { token })).body.messages;
      expect(first).toEqual(message);
      expect(joined).toEqual({
        _id: expect.stringMatching(ID), rid: room._id, msg: '', t: 'uj', groupable: false, ts: expect.stringMatching(ISO),
        u: { _id: agentId, username: served.servedBy.username }, _updatedAt: expect.stringMatching(ISO),
      });
      expect(served).toMatchObject({ msgs: 1, lastMessage: message, usersCount: 2 });
      const [assigned] = await eventsOf(room._id, 'room.assigned', 1);
      expect(assigned.data.agent).toEqual({ _id: agentId, username: served.servedBy.username });
      const sent = await eventsOf(room._id, 'message.sent', 2);
      expect(sent.map((e) => e.data.message)).toContainEqual(joined);
      // The agent leaves: the room loses servedBy, and that is published (room.assigned, agent null).
      await api.deleteAgent(agentId);
      const unassigned = await eventsOf(room._id, 'room.assigned', 2);
      const lost = unassigned.find((e) => e.data.agent === null)!;
      expect(lost.data.room).not.toHaveProperty('servedBy');
      expect(lost.data.room.usersCount).toBe(1);
    });

    it("publishes room.renamed when a visitor's new name is copied into their open room", async () => {
      const { token, room } = await open({ name: 'Before' });
      const res = await api.registerVisitor({ token, name: 'After' });
      expect(res.status).toBe(200);
      const [renamed] = await eventsOf(room._id, 'room.renamed', 1);
      expect(renamed.data).toMatchObject({ type: 'room.renamed', room: { _id: room._id, fname: 'After' } });
      expect((await chat.room(token, room._id)).fname).toBe('After');
      // The same name again changes nothing and publishes nothing.
      await api.registerVisitor({ token, name: 'After' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await eventsOf(room._id, 'room.renamed', 1);
      // Messages after the rename carry the new name.
      expect((await send(token, room._id)).alias).toBe('After');
    });
  });
});
