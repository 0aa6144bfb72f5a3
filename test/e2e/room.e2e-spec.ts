import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { readStream } from '../../harness/jetstream.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

const ID = /^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('GET livechat/room and POST livechat/room.close', () => {
  let stack: TestStack;
  let api: Api;
  let seq = 0;

  beforeAll(async () => {
    stack = await TestStack.start();
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    // Rooms open only while an agent is online (docs/api.md#getting-or-opening-a-room); routing itself is tested in routing.e2e-spec.ts.
    await api.createAgent('agent.online');
  });
  afterAll(() => stack?.stop());

  /** A fresh visitor; returns their token. */
  async function visitor(fields: Record<string, unknown> = {}): Promise<string> {
    const token = `tok-${process.pid}-${(seq += 1)}`;
    const res = await api.registerVisitor({ token, ...fields });
    expect(res.status).toBe(200);
    return token;
  }

  const countRooms = async () => Number((await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM rooms.rooms'))[0].n);

  describe('the Rocket.Chat cases', () => {
    it('answers 400 without a token', async () => {
      const res = await api.get('/api/v1/livechat/room');
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
    });

    it('answers invalid-token for a token nobody has', async () => {
      const res = await api.room({ token: 'nobody-has-this-token' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: 'invalid-token' });
    });

    it('answers invalid-room for an unknown rid', async () => {
      const token = await visitor();
      const res = await api.room({ token, rid: 'aaaaaaaaaaaaaaaaa' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: 'invalid-room' });
      expect(await stack.db.query(`SELECT 1 FROM rooms.rooms WHERE visitor_token = $1`, [token])).toHaveLength(0);
    });

    it('opens a new room with the documented fields, served at once by the agent online', async () => {
      const token = await visitor({ name: 'Mary' });
      const res = await api.room({ token });
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.newRoom).toBe(true);
      const room = res.body.room;
      expect(room).toMatchObject({
        fname: 'Mary',
        t: 'l',
        v: { token, status: 'online' },
        open: true,
        msgs: 0,
        usersCount: 2,
        cl: false,
        waitingResponse: true,
        source: { type: 'api' },
        servedBy: { username: 'agent.online' },
      });
      expect(room._id).toMatch(ID);
      expect(room.v._id).toMatch(ID);
      expect(room.v.username).toMatch(/^guest-\d+$/);
      expect(room.servedBy._id).toMatch(ID);
      for (const field of ['ts', '_updatedAt', 'lm', 'queuedAt']) expect(room[field]).toMatch(ISO);
      expect(room.servedBy.ts).toMatch(ISO);
      for (const absent of ['closedAt', 'closer', 'closedBy', 'departmentId']) expect(room).not.toHaveProperty(absent);
      expect(JSON.stringify(res.body)).not.toContain('null');
    });

    it('uses the username as fname when the visitor has no name', async () => {
      const token = await visitor();
      const res = await api.room({ token });
      expect(res.body.room.fname).toBe(res.body.room.v.username);
    });

    it('answers the same room the second time, with newRoom false', async () => {
      const token = await visitor();
      const first = await api.room({ token });
      const second = await api.room({ token });
      expect(second.status).toBe(200);
      expect(second.body.newRoom).toBe(false);
      expect(second.body.room._id).toBe(first.body.room._id);
    });

    it('answers the open room named by rid', async () => {
      const token = await visitor();
      const opened = await api.room({ token });
      const res = await api.room({ token, rid: opened.body.room._id });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ newRoom: false, success: true, room: { _id: opened.body.room._id, open: true } });
    });

    it('treats an empty rid as not given', async () => {
      const token = await visitor();
      const res = await api.room({ token, rid: '' });
      expect(res.status).toBe(200);
      expect(res.body.newRoom).toBe(true);
    });

    it('marks rooms opened from the widget with the widget source and the Host', async () => {
      const token = await visitor();
      const res = await api.room({ token }, { cookie: 'rc_room_type=l; rc_is_widget=t', host: 'chat.example.com' });
      expect(res.status).toBe(200);
      expect(res.body.room.source).toEqual({ type: 'widget', destination: 'chat.example.com' });
    });

    it('needs both widget cookies to call a room a widget room', async () => {
      const token = await visitor();
      const res = await api.room({ token }, { cookie: 'rc_is_widget=t' });
      expect(res.body.room.source).toEqual({ type: 'api' });
    });
  });

  describe('access', () => {
    it("answers invalid-room for another visitor's rid and reveals nothing", async () => {
      const owner = await visitor();
      const other = await visitor();
      const ownersRoom = (await api.room({ token: owner })).body.room;
      const res = await api.room({ token: other, rid: ownersRoom._id });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: 'invalid-room' });
      expect(await stack.db.query(`SELECT 1 FROM rooms.rooms WHERE visitor_token = $1`, [other])).toHaveLength(0);
    });

    it("refuses to close another visitor's room", async () => {
      const owner = await visitor();
      const other = await visitor();
      const ownersRoom = (await api.room({ token: owner })).body.room;
      const res = await api.closeRoom(ownersRoom._id, other);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: 'invalid-room' });
      const again = await api.room({ token: owner, rid: ownersRoom._id });
      expect(again.body.room.open).toBe(true);
    });

    it("answers invalid-room for a closed room's rid", async () => {
      const token = await visitor();
      const room = (await api.room({ token })).body.room;
      expect((await api.closeRoom(room._id, token)).status).toBe(200);
      const res = await api.room({ token, rid: room._id });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: 'invalid-room' });
    });
  });

  describe('closing', () => {
    it('closes the room and a later GET opens a new one', async () => {
      const token = await visitor();
      const room = (await api.room({ token })).body.room;
      const res = await api.closeRoom(room._id, token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ rid: room._id, comment: 'Closed by visitor', success: true });
      const [row] = await stack.db.query<Record<string, any>>(`SELECT * FROM rooms.rooms WHERE id = $1`, [room._id]);
      expect(row).toMatchObject({ open: false, closer: 'visitor', visitor_status: 'offline', closed_by_id: room.v._id });
      expect(row.metrics.chatDuration).toBeGreaterThanOrEqual(0);
      const next = await api.room({ token });
      expect(next.body.newRoom).toBe(true);
      expect(next.body.room._id).not.toBe(room._id);
    });

    it('answers room-closed the second time', async () => {
      const token = await visitor();
      const room = (await api.room({ token })).body.room;
      await api.closeRoom(room._id, token);
      const res = await api.closeRoom(room._id, token);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: 'room-closed' });
    });

    it('closes once when two closes race', async () => {
      const token = await visitor();
      const room = (await api.room({ token })).body.room;
      const replies = await Promise.all(Array.from({ length: 10 }, () => api.closeRoom(room._id, token)));
      expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
      expect(replies.filter((r) => r.body.error === 'room-closed')).toHaveLength(9);
    });

    it('answers invalid-token for an unknown token', async () => {
      const res = await api.closeRoom('aaaaaaaaaaaaaaaaa', 'nobody-has-this-token');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: 'invalid-token' });
    });

    it.each([
      ['no rid', { token: 'x' }],
      ['no token', { rid: 'x' }],
      ['an extra key', { rid: 'x', token: 'y', open: false }],
      ['a number rid', { rid: 1, token: 'y' }],
      ['an array token', { rid: 'x', token: ['y'] }],
    ])('answers 400 for %s', async (_label, body) => {
      const res = await api.post('/api/v1/livechat/room.close', body);
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
    });
  });

  describe('concurrency', () => {
    it('answers 50 parallel opens for one token with one room, exactly one newRoom', async () => {
      const token = await visitor();
      const replies = await Promise.all(Array.from({ length: 50 }, () => api.room({ token })));
      expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(new Set(replies.map((r) => r.body.room._id)).size).toBe(1);
      expect(replies.filter((r) => r.body.newRoom)).toHaveLength(1);
      const rows = await stack.db.query(`SELECT id FROM rooms.rooms WHERE visitor_token = $1`, [token]);
      expect(rows).toHaveLength(1);
    });
  });

  describe('bad input', () => {
    it.each([
      ['a repeated token', '?token=a&token=b'],
      ['an unknown key', '?token=a&foo=1'],
      ['an empty token', '?token='],
      ['a bracketed key', '?token[]=a'],
      ['a repeated rid', '?token=a&rid=x&rid=y'],
      ['a too long token', `?token=${'x'.repeat(300)}`],
    ])('answers 400 for %s and opens nothing', async (_label, query) => {
      const before = await countRooms();
      const res = await api.get(`/api/v1/livechat/room${query}`);
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
      expect(typeof res.body.error).toBe('string');
      expect(await countRooms()).toBe(before);
    });

    it.each([
      ['no token', ''],
      ['no token, another key given', '?rid=x'],
    ])("says the token is missing when there is %s", async (_label, query) => {
      const res = await api.get(`/api/v1/livechat/room${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: "'token' is required" });
    });

    it('answers 404 in the envelope for an unknown route', async () => {
      const res = await api.get('/api/v1/livechat/nothing-here');
      expect(res.status).toBe(404);
      expect(res.body.success).toBe(false);
    });
  });

  describe('events', () => {
    it('publishes room.opened, room.assigned and room.closed to JetStream, with the event id as message id', async () => {
      const token = await visitor({ name: 'Evented' });
      const room = (await api.room({ token })).body.room;
      await api.closeRoom(room._id, token);
      const events = await expectEventually(async () => {
        const all = (await readStream(stack.nats.url)).filter((e) => e.data.room?._id === room._id);
        // Served at once: room.assigned and its uj message (message.sent) with room.opened; the close also
        // writes the livechat-close message (see messages.e2e-spec).
        expect(all.map((e) => e.subject)).toEqual(['room.opened', 'room.assigned', 'message.sent', 'room.closed', 'message.sent']);
        return all.filter((e) => e.subject.startsWith('room.'));
      });
      const [opened, assigned, closed] = events;
      for (const e of events) {
        expect(e.msgId).toBe(e.data.eventId);
        expect(e.data).toMatchObject({ type: e.subject, version: 1 });
        expect(e.data.eventId).toMatch(ID);
        expect(e.data.occurredAt).toMatch(ISO);
      }
      // Served at once: both events carry the room as the one statement wrote it, served.
      expect(opened.data.room).toEqual(room);
      expect(assigned.data.room).toEqual(room);
      expect(assigned.data.agent).toEqual({ _id: room.servedBy._id, username: 'agent.online' });
      expect(closed.data.room).toMatchObject({ _id: room._id, closer: 'visitor', v: { status: 'offline' } });
      expect(closed.data.room).not.toHaveProperty('open');
      expect(closed.data.room.closedAt).toMatch(ISO);
      expect(closed.data.room.closedBy).toEqual({ _id: room.v._id, username: room.v.username });
      expect(typeof closed.data.room.metrics.chatDuration).toBe('number');
      // Nothing left unrelayed in the outbox.
      await expectEventually(async () => expect(await stack.db.query('SELECT 1 FROM rooms.outbox WHERE published_at IS NULL')).toHaveLength(0));
    });
  });
});
