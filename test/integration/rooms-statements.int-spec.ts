import { randomId, type Outbox } from '@livechat/common';
import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { MessageEntity } from '../../apps/rooms/src/messages/message.entity.js';
import { MessagesRepository } from '../../apps/rooms/src/messages/messages.repository.js';
import { RoomEntity } from '../../apps/rooms/src/rooms/room.entity.js';
import { RoomsRepository } from '../../apps/rooms/src/rooms/rooms.repository.js';
import { VisitorEntity } from '../../apps/rooms/src/visitors/visitor.entity.js';
import { VisitorsRepository } from '../../apps/rooms/src/visitors/visitors.repository.js';
import type { TestDatabase } from '../../harness/database.js';
import { ServiceFixture } from './service-schema.js';

/**
 * The rooms service's hand-written statements, each against a real PostgreSQL with the committed
 * migrations: what every one of them answers and writes.
 */
describe('rooms repositories (integration: real database, migrations)', () => {
  let fx: ServiceFixture;
  let db: TestDatabase;
  let outbox: Outbox;
  let dataSource: DataSource;
  let pool: pg.Pool;
  let rooms: RoomsRepository;
  let visitors: VisitorsRepository;
  let messages: MessagesRepository;

  beforeAll(async () => {
    fx = await ServiceFixture.start('rooms', { nats: true });
    ({ db, dataSource, pool } = fx);
    rooms = new RoomsRepository(pool, dataSource.getRepository(RoomEntity));
    visitors = new VisitorsRepository(pool, dataSource.getRepository(VisitorEntity));
    messages = new MessagesRepository(dataSource, pool);
    outbox = fx.outbox();
  });

  afterAll(() => fx?.stop());

  const upsert = (token: string, changes: Parameters<VisitorsRepository['upsert']>[1] = { token }, now = new Date()) =>
    dataSource.transaction((manager) => visitors.upsert(manager, { ...changes, token }, now));

  function roomOf(visitor: VisitorEntity, at = new Date()): RoomEntity {
    return Object.assign(new RoomEntity(), {
      id: randomId(), visitorId: visitor.id, visitorUsername: visitor.username, visitorToken: visitor.token, visitorStatus: visitor.status,
      fname: visitor.name ?? visitor.username, departmentId: null, open: true, msgs: 0, usersCount: 1, source: { type: 'api' as const },
      ts: at, updatedAt: at, lm: at, queuedAt: at, servedById: null, servedByUsername: null, servedByTs: null, assignmentVersion: 0,
      closedAt: null, closer: null, closedById: null, closedByUsername: null, metrics: null, customFields: { plan: 'gold' }, lastMessage: null,
      visitorLastMessageTs: null, waitingResponse: true, responseBy: null,
    } satisfies RoomEntity);
  }

  function messageOf(room: RoomEntity, at: Date, fields: Partial<MessageEntity> = {}): MessageEntity {
    return Object.assign(new MessageEntity(), {
      id: randomId(), rid: room.id, t: null, msg: 'hello', ts: at, updatedAt: at, uId: room.visitorId, uUsername: room.visitorUsername,
      uName: null, token: room.visitorToken, alias: null, md: [{ type: 'PARAGRAPH', value: [] }] as unknown as MessageEntity['md'], urls: null,
      editedAt: null, editedById: null, editedByUsername: null, deletedAt: null, ...fields,
    } satisfies MessageEntity);
  }

  const outboxRows = (eventId: string) => outbox.rows([{ eventId, subject: 'room.opened', payload: { eventId } }]);
  const outboxCount = async (eventId: string) =>
    (await db.query(`SELECT 1 FROM rooms.outbox WHERE event_id = $1 AND subject = 'room.opened' AND payload::jsonb = $2::jsonb`, [eventId, JSON.stringify({ eventId })])).length;

  async function openRoom(token = `t-${randomId()}`, at = new Date()): Promise<RoomEntity> {
    const room = roomOf(await upsert(token, { token, name: 'Mary' }), at);
    expect(await outbox.relayAfter(() => rooms.insertOpened(room, []))).toEqual({ inserted: true, inTime: true });
    return room;
  }

  it('appends events to the outbox in the caller\'s transaction, or not at all when it rolls back', async () => {
    const [kept, rolledBack] = [randomId(), randomId()];
    await outbox.transaction((m) => outbox.add(m, [{ eventId: kept, subject: 'room.opened', payload: { eventId: kept } }]));
    await expect(outbox.transaction(async (m) => {
      await outbox.add(m, [{ eventId: rolledBack, subject: 'room.opened', payload: { eventId: rolledBack } }]);
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    expect([await outboxCount(kept), await outboxCount(rolledBack)]).toEqual([1, 0]);
  });

  describe('visitors', () => {
    it('creates a visitor with a guest name, then keeps stored custom fields unless overwritten', async () => {
      const token = `t-${randomId()}`;
      const created = await upsert(token, { token, customFields: [{ key: 'a', value: '1', overwrite: false }] });
      expect(created.username).toMatch(/^guest-\d+$/);
      expect(created.livechatData).toEqual({ a: '1' });
      const again = await upsert(token, {
        token, name: 'Mary', customFields: [{ key: 'a', value: '2', overwrite: false }, { key: 'b', value: '3', overwrite: true }],
      });
      expect(again).toMatchObject({ id: created.id, username: created.username, name: 'Mary', livechatData: { a: '1', b: '3' } });
      expect(again.ts).toBeInstanceOf(Date);
      expect(await visitors.findByToken(token)).toEqual(again);
    });

    it('finds the token of the oldest visitor with a phone', async () => {
      const phone = `+1${Date.now()}`;
      await upsert(`t-old-${phone}`, { token: `t-old-${phone}`, phone }, new Date(Date.now() - 60_000));
      await upsert(`t-new-${phone}`, { token: `t-new-${phone}`, phone });
      expect(await dataSource.transaction((m) => visitors.findTokenByPhone(m, phone))).toBe(`t-old-${phone}`);
    });
  });

  describe('rooms', () => {
    it('inserts a room with its rows, and nothing when the visitor already has an open room', async () => {
      const visitor = await upsert(`t-${randomId()}`);
      const room = roomOf(visitor);
      const [first, second] = [randomId(), randomId()];
      expect(await outbox.relayAfter(() => rooms.insertOpened(room, [outboxRows(first)]))).toEqual({ inserted: true, inTime: true });
      expect(await rooms.findOpenByToken(visitor.token)).toEqual(room);
      expect(await outboxCount(first)).toBe(1);
      expect(await outbox.relayAfter(() => rooms.insertOpened(roomOf(visitor), [outboxRows(second)]))).toEqual({ inserted: false, inTime: true });
      expect(await outboxCount(second)).toBe(0);
    });

    it('inserts a fenced room only before its deadline, with its messages', async () => {
      const late = roomOf(await upsert(`t-${randomId()}`));
      const lateEvent = randomId();
      expect(await outbox.relayAfter(() => rooms.insertOpened(late, [outboxRows(lateEvent)], { deadline: new Date(Date.now() - 1_000) }))).toEqual({ inserted: false, inTime: false });
      expect(await rooms.findById(late.id)).toBeNull();
      expect(await outboxCount(lateEvent)).toBe(0);

      const served = roomOf(await upsert(`t-${randomId()}`));
      const uj = messageOf(served, served.ts, { t: 'uj', md: null, token: null });
      expect(await outbox.relayAfter(() => rooms.insertOpened(served, [messages.rows([uj])], { deadline: new Date(Date.now() + 60_000) }))).toEqual({ inserted: true, inTime: true });
      expect(await dataSource.transaction((m) => messages.findById(m, uj.id))).toEqual(uj);
    });

    it('fences reservations: pending before the deadline, then absent or present', async () => {
      const room = await openRoom();
      const missing = randomId();
      const answers = await rooms.fenceReservations([
        { roomId: missing, deadline: new Date(Date.now() + 60_000) },
        { roomId: missing, deadline: new Date(Date.now() - 1_000) },
        { roomId: room.id, deadline: new Date(Date.now() - 1_000) },
      ]);
      expect(answers).toEqual([
        { roomId: missing, state: 'pending' },
        { roomId: missing, state: 'absent' },
        { roomId: room.id, state: 'present', room },
      ]);
    });

    it('pages rooms newest first with the total, by agent and by open', async () => {
      const agent = `agent-${randomId()}`;
      const older = await openRoom(undefined, new Date(Date.now() - 2_000));
      const newer = await openRoom(undefined, new Date(Date.now() - 1_000));
      const at = new Date().toISOString();
      await dataSource.transaction((m) => rooms.applyDecisions(m, [older, newer].map((r) => ({
        eventId: randomId(), roomId: r.id, agent: { _id: agent, username: agent }, version: 1, occurredAt: at,
      }))));
      const page = await rooms.page({ servedBy: [agent], open: true }, { count: 1, offset: 0 });
      expect(page.total).toBe(2);
      expect(page.rooms.map((r) => r.id)).toEqual([newer.id]);
      expect((await rooms.page({ servedBy: [agent] }, { count: 5, offset: 1 })).rooms.map((r) => r.id)).toEqual([older.id]);
      expect(await rooms.page({ servedBy: [agent], open: false }, { count: 5, offset: 0 })).toEqual({ rooms: [], total: 0 });
    });

    it('applies a newer decision to an open room only, and clears servedBy when the agent is null', async () => {
      const room = await openRoom();
      const decide = (version: number, agent: { _id: string; username: string } | null) =>
        dataSource.transaction((m) => rooms.applyDecisions(m, [{ eventId: randomId(), roomId: room.id, agent, version, departmentId: 'dep', occurredAt: new Date().toISOString() }]));
      const [applied] = await decide(2, { _id: 'a1', username: 'alice' });
      expect(applied.room).toMatchObject({ servedById: 'a1', servedByUsername: 'alice', usersCount: 2, assignmentVersion: 2, departmentId: 'dep' });
      expect(applied.room.updatedAt.getTime()).toBeGreaterThan(room.updatedAt.getTime());
      expect(await decide(1, { _id: 'a2', username: 'bob' })).toEqual([]);
      const [cleared] = await decide(3, null);
      expect(cleared.room).toMatchObject({ servedById: null, servedByTs: null, usersCount: 1, assignmentVersion: 3 });
      await dataSource.transaction((m) => rooms.update(m, room.id, { open: false, closedAt: new Date(), closer: 'visitor', customFields: { plan: 'silver' } }));
      expect(await rooms.findById(room.id)).toMatchObject({ open: false, closer: 'visitor', customFields: { plan: 'silver' } });
      expect(await decide(4, { _id: 'a1', username: 'alice' })).toEqual([]);
    });

    it("renames the visitor's open room once, after its last change", async () => {
      const room = await openRoom();
      const rename = (name: string) => dataSource.transaction((m) => rooms.renameOpenRoom(m, room.visitorId, name, room.updatedAt));
      const renamed = await rename('Marie');
      expect(renamed).toMatchObject({ id: room.id, fname: 'Marie' });
      expect(renamed!.updatedAt.getTime()).toBe(room.updatedAt.getTime() + 1);
      expect(await rename('Marie')).toBeNull();
    });
  });

  describe('messages', () => {
    it("locks the visitor's room with their name, and nothing for another token", async () => {
      const room = await openRoom();
      await dataSource.transaction(async (m) => {
        expect(await messages.lockVisitorRoom(m, room.id, room.visitorToken)).toEqual({ room, visitorName: 'Mary' });
        expect(await messages.lockVisitorRoom(m, room.id, 'another')).toBeNull();
        expect(await rooms.findForUpdate(m, room.id)).toEqual(room);
      });
    });

    it('writes a message with the room changes and its event, once per id; edits and deletes it', async () => {
      const room = await openRoom();
      const at = new Date(room.ts.getTime() + 1_000);
      const message = messageOf(room, at);
      const [event, again, edit, removal] = [randomId(), randomId(), randomId(), randomId()];
      const write = (fn: (m: EntityManager) => Promise<boolean>) => outbox.transaction(fn);
      expect(await write((m) => messages.insertWithRoomChanges(m, message, { msgs: 1, lm: at, lastMessage: null }, outboxRows(event)))).toBe(true);
      expect(await write((m) => messages.insertWithRoomChanges(m, message, { msgs: 2 }, outboxRows(again)))).toBe(false);
      expect([await outboxCount(event), await outboxCount(again)]).toEqual([1, 0]);
      expect(await rooms.findById(room.id)).toMatchObject({ msgs: 1, lm: at });

      const edited = { ...message, msg: 'hello again', updatedAt: new Date(at.getTime() + 1), editedAt: new Date(at.getTime() + 1), editedById: 'a1', editedByUsername: 'alice' };
      expect(await write((m) => messages.updateWithRoomChanges(m, edited, { updatedAt: edited.updatedAt }, outboxRows(edit)))).toBe(true);
      expect(await messages.findInVisitorRoom(room.id, room.visitorToken, message.id)).toEqual({ room: true, message: edited });

      const deletedAt = new Date(at.getTime() + 2);
      expect(await write((m) => messages.deleteWithRoomChanges(m, edited, deletedAt, { msgs: 0 }, outboxRows(removal)))).toBe(true);
      expect(await write((m) => messages.deleteWithRoomChanges(m, edited, deletedAt, { msgs: 0 }, outboxRows(randomId())))).toBe(false);
      expect(await messages.findInVisitorRoom(room.id, room.visitorToken, message.id)).toEqual({ room: true, message: null });
      expect(await messages.findInVisitorRoom(room.id, 'another', message.id)).toEqual({ room: false, message: null });
    });

    it('pages the history newest first, answers changes after a date, and the newest visible message', async () => {
      const room = await openRoom();
      const at = (s: number) => new Date(room.ts.getTime() + s * 1_000);
      const [first, second, system] = [messageOf(room, at(1)), messageOf(room, at(2)), messageOf(room, at(3), { t: 'uj', md: null, token: null })];
      await dataSource.transaction((m) => messages.insert(m, [first, second, system]));
      expect(await messages.history(room.id, room.visitorToken, { end: null, limit: 2, offset: 0 })).toEqual({ room: true, messages: [system, second] });
      expect(await messages.history(room.id, room.visitorToken, { end: at(2), limit: 5, offset: 0 })).toEqual({ room: true, messages: [first] });
      expect(await messages.history(room.id, 'another', { end: null, limit: 5, offset: 0 })).toEqual({ room: false, messages: [] });
      expect(await dataSource.transaction((m) => messages.newestVisible(m, room.id, second.id))).toEqual(first);

      expect(await messages.changedSince(room.id, 'a1', at(0), 5)).toEqual({ room: false, messages: [] });
      await dataSource.transaction((m) => rooms.update(m, room.id, { servedById: 'a1' }));
      expect(await messages.changedSince(room.id, 'a1', at(1), 5)).toEqual({ room: true, messages: [second, system] });
      expect(await messages.changedSince(room.id, 'a1', at(3), 5)).toEqual({ room: true, messages: [] });
    });
  });
});
