import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { InjectRepository } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import type { AgentSelectedEvent } from '@livechat/contracts';
import type { EntityManager, Repository } from 'typeorm';
import { ROOM_COLUMN_NAMES, ROOM_COLUMNS, RoomEntity } from './room.entity.js';
import { PG_POOL, preparedQuery, selectList, sql, type Outbox } from '@livechat/common';

type OutboxRows = ReturnType<Outbox['rows']>;

const JSON_COLUMNS = new Set<keyof RoomEntity>(['source', 'metrics', 'customFields', 'lastMessage', 'responseBy']);

/** The open rooms of a batch of visitor tokens (one per token at most: one open room per visitor). */
const OPEN_ROOMS_BY_TOKENS = {
  name: 'rooms.open-rooms-by-tokens',
  text: `SELECT ${ROOM_COLUMNS} FROM rooms.rooms WHERE visitor_token = ANY($1::text[]) AND open`,
};

/**
 * A page of rooms, newest first, and how many match in all, in one statement (a row with null room
 * columns when the page is empty): `$1` the agents whose rooms (null: every room), `$2` open or
 * closed only (null: both), `$3` and `$4` the page. Over `rooms_served_by` or `rooms_newest`.
 */
const ROOMS_PAGE = {
  name: 'rooms.rooms-page',
  text: `SELECT t.total, ${selectList(ROOM_COLUMN_NAMES, 'r', 'r.')}
           FROM (SELECT count(*)::int AS total FROM rooms.rooms
                  WHERE ($1::text[] IS NULL OR served_by_id = ANY($1)) AND ($2::boolean IS NULL OR open = $2)) t
           LEFT JOIN LATERAL (
             SELECT * FROM rooms.rooms
              WHERE ($1::text[] IS NULL OR served_by_id = ANY($1)) AND ($2::boolean IS NULL OR open = $2)
              ORDER BY ts DESC, id DESC LIMIT $3 OFFSET $4
           ) r ON true
          ORDER BY r.ts DESC, r.id DESC`,
};

const ROOM_PROPERTIES = Object.keys(ROOM_COLUMN_NAMES) as (keyof RoomEntity)[];

@Injectable()
export class RoomsRepository {
  /**
   * The hot path's lookups of one turn of the event loop, made as one statement at its end. Each
   * lookup still reads the database after its request arrived and before it is answered (no cache:
   * `cache: false`), so an answer is as fresh as a statement of its own would be (SPEC §9.10).
   */
  private readonly openByToken = new DataLoader<string, RoomEntity | null>(
    async (tokens) => {
      const rows = await preparedQuery<RoomEntity>(this.pool, OPEN_ROOMS_BY_TOKENS, [tokens]);
      const byToken = new Map(rows.map((room) => [room.visitorToken, room]));
      return tokens.map((token) => byToken.get(token) ?? null);
    },
    { cache: false, batchScheduleFn: (run) => setImmediate(run), maxBatchSize: 500 },
  );

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @InjectRepository(RoomEntity) private readonly rooms: Repository<RoomEntity>,
  ) {}

  findById(id: string): Promise<RoomEntity | null> {
    return this.rooms.findOneBy({ id });
  }

  /**
   * The hot path (SPEC §4, a visitor asking again for the room they have): their open room by their
   * token, a prepared statement over the `rooms_open_by_token` index, shared by the lookups of the
   * same turn of the event loop.
   */
  findOpenByToken(token: string): Promise<RoomEntity | null> {
    return this.openByToken.load(token);
  }

  /** SPEC §6a `livechat/rooms`: a page of rooms newest first (of these agents, open or closed only, when given) and the total. */
  async page(filter: { servedBy?: string[]; open?: boolean }, page: { count: number; offset: number }): Promise<{ rooms: RoomEntity[]; total: number }> {
    const rows = await preparedQuery<{ total: number } & Record<string, unknown>>(this.pool, ROOMS_PAGE, [
      filter.servedBy ?? null,
      filter.open ?? null,
      page.count,
      page.offset,
    ]);
    const rooms = rows
      .filter((row) => row['r.id'] !== null)
      .map((row) => Object.fromEntries(ROOM_PROPERTIES.map((p) => [p, row[`r.${p}`]])) as unknown as RoomEntity);
    return { rooms, total: rows[0]?.total ?? 0 };
  }

  findOpenByVisitor(visitorId: string): Promise<RoomEntity | null> {
    return this.rooms.findOneBy({ visitorId, open: true });
  }

  /**
   * Inserts the room, and its event into the outbox, unless the visitor already has an open room: one
   * statement, so both or neither are written. The partial unique index `rooms_one_open_per_visitor`
   * decides: a concurrent insert for the same visitor waits for the other and then does nothing.
   * Every column is given, so the row is `room` as it stands. Answers false when another room won.
   */
  async insertWithEvent(room: RoomEntity, event: (firstParam: number) => OutboxRows): Promise<boolean> {
    const properties = Object.keys(ROOM_COLUMN_NAMES) as (keyof RoomEntity)[];
    const params = properties.map((p) => (JSON_COLUMNS.has(p) && room[p] !== null ? JSON.stringify(room[p]) : room[p]));
    const outbox = event(params.length + 1);
    const rows = await sql(this.rooms.manager,
      `WITH room AS (
         INSERT INTO rooms.rooms (${properties.map((p) => ROOM_COLUMN_NAMES[p]).join(', ')})
         VALUES (${properties.map((_, i) => `$${i + 1}`).join(', ')})
         ON CONFLICT (visitor_id) WHERE open DO NOTHING
         RETURNING id
       ), event AS (
         INSERT INTO ${outbox.table} (${outbox.columns}) SELECT v.* FROM (${outbox.values}) AS v, room
       )
       SELECT id FROM room`,
      [...params, ...outbox.params],
    );
    return rows.length > 0;
  }

  /**
   * Applies routing's decisions: sets (or, with agent null, clears) servedBy where the decision is
   * newer than the room's last one and the room is open, in one statement. `servedBy.ts` is the
   * decision's time; `_updatedAt` the later of it and just after the room's last change. The rooms must be
   * distinct. Answers each changed room as it now is, with the decision that changed it.
   */
  async applyAssignments(manager: EntityManager, decisions: AgentSelectedEvent[]): Promise<{ room: RoomEntity; decision: AgentSelectedEvent }[]> {
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
        RETURNING ${selectList(ROOM_COLUMN_NAMES, 'r')}, d.i AS "decisionIndex"`,
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

  async update(manager: EntityManager, id: string, changes: Partial<RoomEntity>): Promise<void> {
    const { set, params } = roomSet(changes, 2);
    await sql(manager, `UPDATE rooms.rooms SET ${set} WHERE id = $1`, [id, ...params]);
  }
}

/**
 * The SET list of an UPDATE of these room properties (`column = $n`, numbered from `firstParam`) and
 * its parameters, JSON columns serialized: for statements that change a room together with what
 * changed it.
 */
export function roomSet(changes: Partial<RoomEntity>, firstParam: number): { set: string; params: unknown[] } {
  const entries = Object.entries(changes).filter(([, value]) => value !== undefined) as [keyof RoomEntity, unknown][];
  return {
    set: entries.map(([property], i) => `${ROOM_COLUMN_NAMES[property]} = $${firstParam + i}`).join(', '),
    params: entries.map(([property, value]) => (JSON_COLUMNS.has(property) && value !== null ? JSON.stringify(value) : value)),
  };
}
