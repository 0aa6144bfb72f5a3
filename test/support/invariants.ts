import { expectEventually } from '../../harness/eventually.js';
import { readStream, type StoredEvent } from '../../harness/jetstream.js';
import type { LoadReport } from './load.js';
import type { NatsUnderTest } from '../../harness/nats-server.js';
import type { TestStack } from '../../harness/stack.js';

/**
 * docs/guarantees.md checked on the whole system at rest: waits (with a deadline) until the outboxes are empty
 * and routing has caught up, then asserts every invariant. Answers figures for the report.
 */
export async function assertInvariants(
  stack: TestStack<NatsUnderTest>,
  load: LoadReport | null,
  /** `capacity`: the global Livechat_maximum_chats_per_agent in force (0 = unlimited). */
  options: { capacity: number; expectQueueDrained: boolean; timeoutMs?: number },
): Promise<{ rooms: number; events: number; duplicates: number }> {
  const db = stack.db;
  const timeoutMs = options.timeoutMs ?? 60_000;

  // Quiet: nothing left to relay, routing knows every room rooms knows, and every reservation of
  // capacity for a new room has ended (confirmed, given back, or voided by the sweeper after its deadline).
  await expectEventually(async () => {
    expect(await db.query('SELECT 1 FROM rooms.outbox WHERE published_at IS NULL')).toHaveLength(0);
    expect(await db.query('SELECT 1 FROM routing.outbox WHERE published_at IS NULL')).toHaveLength(0);
    const missing = await db.query(
      `SELECT r.id FROM rooms.rooms r LEFT JOIN routing.inquiries i ON i.room_id = r.id
        WHERE i.id IS NULL OR (NOT r.open AND i.status <> 'closed')`,
    );
    expect(missing).toEqual([]);
    expect(await db.query(`SELECT room_id, reserved_until FROM routing.inquiries WHERE status = 'reserved'`)).toEqual([]);
  }, { timeoutMs, intervalMs: 200 });

  // Routing records no room that rooms does not have (a voided reservation leaves nothing behind).
  expect(
    await db.query(`SELECT i.room_id, i.status FROM routing.inquiries i LEFT JOIN rooms.rooms r ON r.id = i.room_id WHERE r.id IS NULL AND i.status <> 'closed'`),
  ).toEqual([]);

  // Guarantee 1 (docs/guarantees.md): one open room per visitor.
  expect(await db.query(`SELECT visitor_id FROM rooms.rooms WHERE open GROUP BY visitor_id HAVING count(*) > 1`)).toEqual([]);

  // No room the API answered is lost; every close it confirmed stuck.
  if (load) {
    const rows = await db.query<{ id: string; open: boolean }>(`SELECT id, open FROM rooms.rooms WHERE id = ANY($1::text[])`, [[...load.opened.keys()]]);
    expect(rows.length).toBe(load.opened.size);
    const closedNow = new Set(rows.filter((r) => !r.open).map((r) => r.id));
    for (const rid of load.closed) expect(closedNow.has(rid)).toBe(true);
  }

  // Guarantee 5: nothing waits while anyone could take it (an agent online with room to spare).
  if (options.expectQueueDrained) {
    await expectEventually(async () => {
      const [{ queued }] = await db.query<{ queued: number }>(`SELECT count(*)::int AS queued FROM routing.inquiries WHERE status = 'queued'`);
      if (queued === 0) return;
      const spare = await db.query(
        `SELECT id FROM routing.agents
          WHERE status_livechat = 'available' AND status <> 'offline'
            AND (COALESCE(NULLIF(max_chats, 0), $1::int) = 0 OR active_chats < COALESCE(NULLIF(max_chats, 0), $1::int))`,
        [options.capacity],
      );
      expect({ queued, agentsWithSpareCapacity: spare.length }).toEqual({ queued, agentsWithSpareCapacity: 0 });
    }, { timeoutMs, intervalMs: 200 });
  }

  // Guarantees 2 and 3: capacity, and servedBy agrees with routing's records (eventually: decisions are async).
  await expectEventually(async () => {
    const disagreements = await db.query(
      `SELECT r.id, r.served_by_id, i.agent_id, i.status FROM rooms.rooms r JOIN routing.inquiries i ON i.room_id = r.id
        WHERE r.open AND r.served_by_id IS DISTINCT FROM (CASE WHEN i.status = 'taken' THEN i.agent_id END)`,
    );
    expect(disagreements).toEqual([]);
  }, { timeoutMs, intervalMs: 200 });
  const load_ = await db.query<{ id: string; active_chats: number; taken: number }>(
    `SELECT a.id, a.active_chats,
            (SELECT count(*)::int FROM routing.inquiries i WHERE i.agent_id = a.id AND i.status IN ('reserved', 'taken')) AS taken
       FROM routing.agents a`,
  );
  for (const a of load_) {
    expect(a.active_chats).toBe(a.taken);
    if (options.capacity > 0) expect(a.active_chats).toBeLessThanOrEqual(options.capacity);
  }

  // The rooms as they are now; routing may still be applying decisions (a room served just now by the
  // queue's drain), so each room's state is read before its events: a change committed by now wrote its
  // events to the outbox in the same transaction, and they are published once the outboxes are empty.
  const rooms = await db.query<{ id: string; open: boolean; served_by_id: string | null }>(`SELECT id, open, served_by_id FROM rooms.rooms`);
  await expectEventually(async () => {
    expect(await db.query('SELECT 1 FROM rooms.outbox WHERE published_at IS NULL')).toHaveLength(0);
    expect(await db.query('SELECT 1 FROM routing.outbox WHERE published_at IS NULL')).toHaveLength(0);
  }, { timeoutMs, intervalMs: 200 });

  // Guarantee 4: every committed change has its event, once as an idempotent consumer sees it (by eventId).
  const events = await readStream(stack.nats.url);
  const byId = new Map<string, StoredEvent>();
  for (const e of events) byId.set(e.data.eventId, e);
  const perRoom = new Map<string, StoredEvent[]>();
  for (const e of byId.values()) perRoom.set(e.data.room._id, [...(perRoom.get(e.data.room._id) ?? []), e]);
  for (const room of rooms) {
    const mine = perRoom.get(room.id) ?? [];
    expect({ room: room.id, opened: mine.filter((e) => e.subject === 'room.opened').length }).toEqual({ room: room.id, opened: 1 });
    expect({ room: room.id, closed: mine.filter((e) => e.subject === 'room.closed').length }).toEqual({ room: room.id, closed: room.open ? 0 : 1 });
    if (room.served_by_id) {
      const assignedTo = mine.filter((e) => e.subject === 'room.assigned').map((e) => e.data.agent?._id ?? null);
      expect({ room: room.id, servedBy: room.served_by_id, assignedTo }).toEqual({ room: room.id, servedBy: room.served_by_id, assignedTo: expect.arrayContaining([room.served_by_id]) });
    }
  }
  // No event for a room that was never committed (read again: the stream was read after the snapshot above).
  const known = new Set((await db.query<{ id: string }>('SELECT id FROM rooms.rooms')).map((r) => r.id));
  expect([...perRoom.keys()].filter((id) => !known.has(id))).toEqual([]);
  return { rooms: rooms.length, events: events.length, duplicates: events.length - byId.size };
}
