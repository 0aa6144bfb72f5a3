import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { InjectRepository } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import type { RoutingDecision } from '@livechat/contracts';
import type { EntityManager, Repository } from 'typeorm';
import { ROOMS_LOCKS } from '../database/rooms-locks.js';
import { RoomEntity } from './room.entity.js';
import { EntityColumns, PG_POOL, preparedQuery, sql, type RowSet } from '@livechat/common';

@Injectable()
export class RoomsRepository {
  private readonly columns: EntityColumns<RoomEntity>;
  /** The open rooms of a batch of visitor tokens (one per token at most: one open room per visitor). */
  private readonly openRoomsByTokens: { name: string; text: string };
  /**
   * A page of rooms, newest first, and how many match in all, in one statement (a row with null room
   * columns when the page is empty): `$1` the agents whose rooms (null: every room), `$2` open or
   * closed only (null: both), `$3` and `$4` the page. Over `rooms_served_by` or `rooms_newest`.
   */
  private readonly roomsPage: { name: string; text: string };

  /**
   * The hot path's lookups of one turn of the event loop, made as one statement at its end. Each
   * lookup still reads the database after its request arrived and before it is answered (no cache:
   * `cache: false`), so an answer is as fresh as a statement of its own would be (docs/guarantees.md#10-no-answer-staler-than-an-acknowledged-change).
   */
  private readonly openByToken = new DataLoader<string, RoomEntity | null>(
    async (tokens) => {
      const rows = await preparedQuery<RoomEntity>(this.pool, this.openRoomsByTokens, [tokens]);
      const byToken = new Map(rows.map((room) => [room.visitorToken, room]));
      return tokens.map((token) => byToken.get(token) ?? null);
    },
    { cache: false, batchScheduleFn: (run) => setImmediate(run), maxBatchSize: 500 },
  );

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @InjectRepository(RoomEntity) private readonly rooms: Repository<RoomEntity>,
  ) {
    this.columns = new EntityColumns(rooms.metadata);
    this.openRoomsByTokens = {
      name: 'rooms.open-rooms-by-tokens',
      text: `SELECT ${this.columns.select()} FROM rooms.rooms WHERE visitor_token = ANY($1::text[]) AND open`,
    };
    this.roomsPage = {
      name: 'rooms.rooms-page',
      text: `SELECT t.total, ${this.columns.select('r', 'r.')}
               FROM (SELECT count(*)::int AS total FROM rooms.rooms
                      WHERE ($1::text[] IS NULL OR served_by_id = ANY($1)) AND ($2::boolean IS NULL OR open = $2)) t
               LEFT JOIN LATERAL (
                 SELECT * FROM rooms.rooms
                  WHERE ($1::text[] IS NULL OR served_by_id = ANY($1)) AND ($2::boolean IS NULL OR open = $2)
                  ORDER BY ts DESC, id DESC LIMIT $3 OFFSET $4
               ) r ON true
              ORDER BY r.ts DESC, r.id DESC`,
    };
  }

  findById(id: string): Promise<RoomEntity | null> {
    return this.rooms.findOneBy({ id });
  }

  /**
   * The hot path (docs/api.md#getting-or-opening-a-room, a visitor asking again for the room they have): their open room by their
   * token, a prepared statement over the `rooms_open_by_token` index, shared by the lookups of the
   * same turn of the event loop.
   */
  findOpenByToken(token: string): Promise<RoomEntity | null> {
    return this.openByToken.load(token);
  }

  /** docs/api.md#agents-sign-in `livechat/rooms`: a page of rooms newest first (of these agents, open or closed only, when given) and the total. */
  async page(filter: { servedBy?: string[]; open?: boolean }, page: { count: number; offset: number }): Promise<{ rooms: RoomEntity[]; total: number }> {
    const rows = await preparedQuery<{ total: number } & Record<string, unknown>>(this.pool, this.roomsPage, [
      filter.servedBy ?? null,
      filter.open ?? null,
      page.count,
      page.offset,
    ]);
    const rooms = rows.map((row) => this.columns.fromPrefixed(row, 'r.')).filter((room): room is RoomEntity => room !== null);
    return { rooms, total: rows[0]?.total ?? 0 };
  }

  findOpenByVisitor(visitorId: string): Promise<RoomEntity | null> {
    return this.rooms.findOneBy({ visitorId, open: true });
  }

  /**
   * Inserts the room, unless the visitor already has an open room, together with `writes` (its events'
   * outbox rows, and any other rows that exist only with the room: written only if the room is): one
   * statement, so all or nothing.
   * The partial unique index `rooms_one_open_per_visitor` decides: a concurrent insert for the same
   * visitor waits for the other and then does nothing. Every column is given, so the row is `room` as
   * it stands. A prepared statement (one per shape of `writes`).
   *
   * With `fence` (a room served at once, by a reservation): the insert first takes the room id's fence
   * lock (shared), then happens only while the database's clock is before the reservation's deadline
   * (`fenceReservations` takes the same lock exclusively, after the deadline: once it has answered, no
   * such insert can succeed).
   *
   * Answers whether the room was inserted, and, fenced, whether it was still in time.
   */
  async insertOpened(room: RoomEntity, writes: RowSet[], fence?: { deadline: Date }): Promise<{ inserted: boolean; inTime: boolean }> {
    const properties = this.columns.properties;
    const params: unknown[] = this.columns.params(room);
    const placeholders = properties.map((_, i) => `$${i + 1}`).join(', ');
    const ctes: string[] = [];
    let source = `VALUES (${placeholders})`;
    if (fence) {
      params.push(ROOMS_LOCKS.reservationFence, fence.deadline);
      const [lockKey, deadline] = [params.length - 1, params.length];
      // The lock is taken before the clock is read (the subquery's OFFSET 0 keeps the two in that order).
      ctes.push(`fence AS MATERIALIZED (
         SELECT clock_timestamp() < $${deadline}::timestamptz AS in_time
           FROM (SELECT pg_advisory_xact_lock_shared($${lockKey}::int, hashtext($1)) OFFSET 0) AS held
       )`);
      source = `SELECT ${placeholders} FROM fence WHERE fence.in_time`;
    }
    ctes.push(`room AS (
         INSERT INTO rooms.rooms (${properties.map((p) => this.columns.name(p)).join(', ')})
         ${source}
         ON CONFLICT (visitor_id) WHERE open DO NOTHING
         RETURNING id
       )`);
    writes.forEach((write, i) => {
      const insert = write.insert(params.length + 1, 'room');
      params.push(...insert.params);
      ctes.push(`write${i} AS (${insert.text})`);
    });
    const [row] = await preparedQuery<{ id: string | null; inTime: boolean }>(this.pool, {
      text: `WITH ${ctes.join(',\n       ')}
       SELECT (SELECT id FROM room) AS id, ${fence ? '(SELECT in_time FROM fence)' : 'true'} AS "inTime"`,
    }, params);
    return { inserted: row.id !== null, inTime: row.inTime };
  }

  /**
   * The fence of reservations past their deadline (routing's sweeper asks): takes each room id's fence
   * lock exclusively, so a served insert still in flight finishes first, and any later one finds the
   * deadline passed; then reads the rooms (in a statement of their own, so that they are read after
   * the lock). A reservation whose deadline has not passed on the database's clock is `pending`.
   * Answers in the order asked.
   */
  fenceReservations(reservations: { roomId: string; deadline: Date }[]): Promise<{ roomId: string; state: 'absent' | 'pending' | 'present'; room?: RoomEntity }[]> {
    return this.rooms.manager.transaction(async (manager) => {
      await sql(manager,
        `SELECT pg_advisory_xact_lock($1::int, key) FROM (SELECT DISTINCT hashtext(id) AS key FROM unnest($2::text[]) AS id ORDER BY 1 OFFSET 0) AS keys`,
        [ROOMS_LOCKS.reservationFence, reservations.map((r) => r.roomId)],
      );
      const rows = await sql<RoomEntity & { roomId: string; due: boolean }>(manager,
        `SELECT f.room_id AS "roomId", clock_timestamp() >= f.deadline AS due, ${this.columns.select('r')}
           FROM unnest($1::text[], $2::timestamptz[]) WITH ORDINALITY AS f(room_id, deadline, n) LEFT JOIN rooms.rooms r ON r.id = f.room_id
          ORDER BY f.n`,
        [reservations.map((r) => r.roomId), reservations.map((r) => r.deadline)],
      );
      return rows.map(({ roomId, due, ...room }) =>
        !due ? { roomId, state: 'pending' as const } : room.id === null ? { roomId, state: 'absent' as const } : { roomId, state: 'present' as const, room: room as RoomEntity },
      );
    });
  }

  /**
   * Applies routing's decisions: sets (or, with agent null, clears) servedBy where the decision is
   * newer than the room's last one and the room is open, in one statement. `servedBy.ts` is the
   * decision's time; `_updatedAt` the later of it and just after the room's last change. The rooms must be
   * distinct. Answers each changed room as it now is, with the decision that changed it.
   */
  async applyDecisions(manager: EntityManager, decisions: RoutingDecision[]): Promise<{ room: RoomEntity; decision: RoutingDecision }[]> {
    const rows: (RoomEntity & { decisionIndex: number })[] = await sql(manager,
      `UPDATE rooms.rooms AS r
          SET served_by_id = d.agent_id, served_by_username = d.agent_username,
              served_by_ts = CASE WHEN d.agent_id IS NULL THEN NULL ELSE d.at END,
              users_count = CASE WHEN d.agent_id IS NULL THEN 1 ELSE 2 END, assignment_version = d.version,
              department_id = COALESCE(d.department_id, r.department_id),
              -- after the room's last change, as every change of a room (see nextInstant)
              updated_at = GREATEST(d.at, r.updated_at + interval '1 millisecond')
         FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[], $7::text[])
              AS d(i, room_id, agent_id, agent_username, at, version, department_id)
        WHERE r.id = d.room_id AND r.open AND r.assignment_version < d.version
        RETURNING ${this.columns.select('r')}, d.i AS "decisionIndex"`,
      [
        decisions.map((_, i) => i),
        decisions.map((d) => d.roomId),
        decisions.map((d) => d.agent?._id ?? null),
        decisions.map((d) => d.agent?.username ?? null),
        decisions.map((d) => d.occurredAt),
        decisions.map((d) => d.version),
        decisions.map((d) => d.departmentId ?? null),
      ],
    );
    return rows.map(({ decisionIndex, ...room }) => ({ room: room as RoomEntity, decision: decisions[decisionIndex] }));
  }

  /** The room, locked until the transaction ends. */
  findForUpdate(manager: EntityManager, id: string): Promise<RoomEntity | null> {
    return manager.getRepository(RoomEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Sets these properties of the room (undefined ones are left as they are). */
  async update(manager: EntityManager, id: string, changes: Partial<RoomEntity>): Promise<void> {
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    await manager.getRepository(RoomEntity).update({ id }, defined);
  }

  /**
   * Copies a visitor's new name into the `fname` of their open room (docs/api.md#visitors), at `now` or just after
   * the room's last change (see nextInstant). Answers the room as it now is, or null when nothing
   * changed (no open room, or the same name).
   */
  async renameOpenRoom(manager: EntityManager, visitorId: string, name: string, now: Date): Promise<RoomEntity | null> {
    const [room] = await sql<RoomEntity>(manager,
      `UPDATE rooms.rooms SET fname = $2, updated_at = GREATEST($3, updated_at + interval '1 millisecond')
        WHERE visitor_id = $1 AND open AND fname <> $2
        RETURNING ${this.columns.select()}`,
      [visitorId, name, now],
    );
    return room ?? null;
  }
}
