import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { migrateUnderLock, randomId } from '@livechat/common';
import { ROOMS_LOCKS } from '../../apps/rooms/src/database/rooms-locks.js';
import { ROOMS_MIGRATIONS } from '../../apps/rooms/src/database/migrations/index.js';
import { MessageEntity } from '../../apps/rooms/src/messages/message.entity.js';
import { RoomEntity } from '../../apps/rooms/src/rooms/room.entity.js';
import { RoomsRepository } from '../../apps/rooms/src/rooms/rooms.repository.js';
import { VisitorEntity } from '../../apps/rooms/src/visitors/visitor.entity.js';
import { TestDatabase } from '../../harness/database.js';

/**
 * The reservation fence's two statements (RoomsRepository.insertOpened with a deadline, and
 * fenceReservations) against the real PostgreSQL with rooms' committed migrations: once the fence has
 * answered for a room id past its deadline, no served insert of it can succeed, not even one that was
 * already waiting; and an insert in flight when the fence asks is waited for and seen.
 */
describe('the reservation fence (rooms)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let rooms: RoomsRepository;
  let pool: pg.Pool;
  let visitorId: string;

  beforeAll(async () => {
    db = await TestDatabase.create();
    dataSource = new DataSource({ type: 'postgres', url: db.url, schema: 'rooms', entities: [VisitorEntity, RoomEntity, MessageEntity], migrations: ROOMS_MIGRATIONS, migrationsTableName: 'migrations' });
    await dataSource.initialize();
    await migrateUnderLock(dataSource, 'rooms', ROOMS_LOCKS.migrations);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    rooms = new RoomsRepository(pool, dataSource.getRepository(RoomEntity));
  });
  afterAll(async () => {
    await pool?.end();
    await dataSource?.destroy();
    await db?.drop();
  });

  beforeEach(async () => {
    visitorId = randomId();
    await db.query(`INSERT INTO rooms.visitors (id, token, username, status, ts, updated_at) VALUES ($1, $1, $1, 'online', now(), now())`, [visitorId]);
  });

  /** A served room of the test's visitor, as rooms builds it from a reservation. */
  function servedRoom(): RoomEntity {
    const now = new Date();
    return Object.assign(new RoomEntity(), {
      id: randomId(), visitorId, visitorUsername: visitorId, visitorToken: visitorId, visitorStatus: 'online', fname: visitorId, departmentId: null,
      open: true, msgs: 0, usersCount: 2, source: { type: 'api' as const }, ts: now, updatedAt: now, lm: now, queuedAt: now,
      servedById: 'AgentAAAAAAAAAAAA', servedByUsername: 'agent', servedByTs: now, assignmentVersion: 1,
      closedAt: null, closer: null, closedById: null, closedByUsername: null, metrics: null, customFields: null,
      lastMessage: null, visitorLastMessageTs: null, waitingResponse: true, responseBy: null,
    } satisfies RoomEntity);
  }

  const dbNow = async (plusMs: number) => (await db.query<{ at: Date }>(`SELECT now() + make_interval(secs => $1::double precision / 1000) AS at`, [plusMs]))[0].at;
  const exists = async (id: string) => (await db.query(`SELECT 1 FROM rooms.rooms WHERE id = $1`, [id])).length === 1;

  async function holding<T>(lock: 'exclusive' | 'shared', roomId: string, during: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock${lock === 'shared' ? '_shared' : ''}($1::int, hashtext($2))`, [ROOMS_LOCKS.reservationFence, roomId]);
      const result = await during(client);
      await client.query('COMMIT');
      return result;
    } finally {
      await client.end();
    }
  }

  it('inserts the room served before its deadline', async () => {
    const room = servedRoom();
    expect(await rooms.insertOpened(room, [], { deadline: await dbNow(5_000) })).toEqual({ inserted: true, inTime: true });
    expect(await exists(room.id)).toBe(true);
  });

  it('refuses a served insert past its deadline, also one that was waiting on the fence before the deadline passed', async () => {
    const room = servedRoom();
    const deadline = await dbNow(300);
    const { insert } = await holding('exclusive', room.id, async () => {
      const insert = rooms.insertOpened(room, [], { deadline }); // waits for the fence's lock
      await new Promise((resolve) => setTimeout(resolve, 600));
      return { insert };
    });
    expect(await insert).toEqual({ inserted: false, inTime: false });
    expect(await exists(room.id)).toBe(false);
    expect(await rooms.insertOpened(servedRoom(), [], { deadline })).toEqual({ inserted: false, inTime: false });
  });

  it('answers pending before the deadline, absent after it for a room never inserted, and present for one inserted', async () => {
    const never = randomId();
    expect(await rooms.fenceReservations([{ roomId: never, deadline: await dbNow(5_000) }])).toEqual([{ roomId: never, state: 'pending' }]);
    const served = servedRoom();
    await rooms.insertOpened(served, [], { deadline: await dbNow(5_000) });
    const past = await dbNow(-1);
    const outcomes = await rooms.fenceReservations([{ roomId: never, deadline: past }, { roomId: served.id, deadline: past }]);
    expect(outcomes[0]).toEqual({ roomId: never, state: 'absent' });
    expect(outcomes[1]).toMatchObject({ roomId: served.id, state: 'present', room: { id: served.id, servedById: 'AgentAAAAAAAAAAAA', open: true } });
  });

  it('waits for a served insert in flight when it asks, and sees it (reads after taking the lock)', async () => {
    const room = servedRoom();
    const past = await dbNow(-1);
    // An insert in flight: it holds the shared fence lock and has written the room, not yet committed.
    let fenced: Promise<unknown> | undefined;
    await holding('shared', room.id, async (client) => {
      await client.query(
        `INSERT INTO rooms.rooms (id, visitor_id, visitor_username, visitor_token, visitor_status, fname, open, msgs, users_count, source, ts, updated_at, lm, queued_at,
                                  served_by_id, served_by_username, served_by_ts, assignment_version)
         VALUES ($1, $2, $2, $2, 'online', $2, true, 0, 2, '{"type":"api"}', now(), now(), now(), now(), 'AgentAAAAAAAAAAAA', 'agent', now(), 1)`,
        [room.id, visitorId],
      );
      fenced = rooms.fenceReservations([{ roomId: room.id, deadline: past }]);
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    expect(await fenced).toEqual([expect.objectContaining({ roomId: room.id, state: 'present' })]);
  });
});
