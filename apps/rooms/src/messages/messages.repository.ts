import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL, preparedQuery, selectList, sql, type Outbox } from '@livechat/common';
import type { Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { ROOM_COLUMN_NAMES, type RoomEntity } from '../rooms/room.entity.js';
import { roomSet } from '../rooms/rooms.repository.js';
import { MESSAGE_COLUMN_NAMES, MESSAGE_COLUMNS, MESSAGE_JSON_COLUMNS, type MessageEntity } from './message.entity.js';

type OutboxRows = ReturnType<Outbox['rows']>;
type Events = (firstParam: number) => OutboxRows;

const PROPERTIES = Object.keys(MESSAGE_COLUMN_NAMES) as (keyof MessageEntity)[];
/** Casts for parameters whose column type PostgreSQL cannot infer (a VALUES list in a subquery). */
const CASTS: Partial<Record<keyof MessageEntity, string>> = {
  ts: '::timestamptz', updatedAt: '::timestamptz', editedAt: '::timestamptz', deletedAt: '::timestamptz', md: '::jsonb', urls: '::jsonb',
};
const ROOM_SELECT = selectList(ROOM_COLUMN_NAMES, 'r');
const MESSAGE_SELECT = selectList(MESSAGE_COLUMN_NAMES, 'm', 'm.');

/**
 * A room's history, newest first (SPEC §5a): over `messages_history`, scoped to the room, paged by
 * `ts < end` and offset. One statement answers both whether the room is the visitor's (no row: it is
 * not) and its page (a row with null message columns: an empty page).
 */
const HISTORY = {
  name: 'rooms.message-history',
  text: `SELECT r.id AS "roomId", ${MESSAGE_SELECT}
           FROM rooms.rooms r
           LEFT JOIN LATERAL (
             SELECT * FROM rooms.messages
              WHERE rid = r.id AND deleted_at IS NULL AND ts < COALESCE($3::timestamptz, 'infinity')
              ORDER BY ts DESC, id DESC LIMIT $4 OFFSET $5
           ) m ON true
          WHERE r.id = $1 AND r.visitor_token = $2
          ORDER BY m.ts DESC, m.id DESC`,
};

const MESSAGE_OF_VISITOR_ROOM = {
  name: 'rooms.message-of-visitor-room',
  text: `SELECT r.id AS "roomId", ${MESSAGE_SELECT}
           FROM rooms.rooms r
           LEFT JOIN rooms.messages m ON m.id = $3 AND m.rid = r.id AND m.deleted_at IS NULL
          WHERE r.id = $1 AND r.visitor_token = $2`,
};

/**
 * What changed in a room strictly after a date, tombstones included, oldest change first (SPEC §6a
 * `chat.syncMessages`), over `messages_changed`; only when the room is served (or was) by `$2`: no
 * row at all when it is not, a row with null message columns when nothing changed. Within a room
 * every change has its own `updated_at` (see nextInstant), so "after the newest one seen" pages
 * without missing or repeating anything.
 */
const CHANGED_SINCE = {
  name: 'rooms.messages-changed-since',
  text: `SELECT r.id AS "roomId", ${MESSAGE_SELECT}
           FROM rooms.rooms r
           LEFT JOIN LATERAL (
             SELECT * FROM rooms.messages WHERE rid = r.id AND updated_at > $3 ORDER BY updated_at, id LIMIT $4
           ) m ON true
          WHERE r.id = $1 AND r.served_by_id = $2
          ORDER BY m.updated_at, m.id`,
};

type RoomAndMessageRow = { roomId: string } & Record<string, unknown>;

/** A row's `m.`-prefixed columns as the message, or null when the join found none. */
function messageOf(row: RoomAndMessageRow): MessageEntity | null {
  if (row['m.id'] === null || row['m.id'] === undefined) return null;
  const message: Record<string, unknown> = {};
  for (const property of PROPERTIES) message[property] = row[`m.${property}`];
  return message as unknown as MessageEntity;
}

function params(message: MessageEntity, properties: (keyof MessageEntity)[]): unknown[] {
  return properties.map((p) => (MESSAGE_JSON_COLUMNS.has(p) && message[p] !== null ? JSON.stringify(message[p]) : message[p]));
}

/**
 * The messages table (see the messages migration), and the statements that write a message together
 * with the room fields it drives and its event: one statement each, in the caller's transaction, under
 * the room's row lock taken first (`lockRoom…`), so concurrent writers to a room queue up and each
 * computes from the room as the previous one left it (SPEC §9.8: no lost update).
 */
@Injectable()
export class MessagesRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  /** The visitor's room (open or closed) locked until the transaction ends, with the visitor's name; null when `rid` is not theirs. */
  async lockVisitorRoom(manager: EntityManager, rid: string, token: string): Promise<{ room: RoomEntity; visitorName: string | null } | null> {
    const [row] = await sql<RoomEntity & { visitorName: string | null }>(manager,
      `SELECT ${ROOM_SELECT}, v.name AS "visitorName"
         FROM rooms.rooms r JOIN rooms.visitors v ON v.id = r.visitor_id
        WHERE r.id = $1 AND r.visitor_token = $2
          FOR UPDATE OF r`,
      [rid, token],
    );
    if (!row) return null;
    const { visitorName, ...room } = row;
    return { room: room as RoomEntity, visitorName };
  }

  /** The room locked until the transaction ends, or null. */
  async lockRoom(manager: EntityManager, rid: string): Promise<RoomEntity | null> {
    const [room] = await sql<RoomEntity>(manager, `SELECT ${ROOM_SELECT} FROM rooms.rooms r WHERE r.id = $1 FOR UPDATE OF r`, [rid]);
    return room ?? null;
  }

  async findById(manager: EntityManager, id: string): Promise<MessageEntity | null> {
    const [message] = await sql<MessageEntity>(manager, `SELECT ${MESSAGE_COLUMNS} FROM rooms.messages WHERE id = $1`, [id]);
    return message ?? null;
  }

  /** The newest visitor or agent message of the room that is not deleted, other than `excludingId`. */
  async newestVisible(manager: EntityManager, rid: string, excludingId: string): Promise<MessageEntity | null> {
    const [message] = await sql<MessageEntity>(manager,
      `SELECT ${MESSAGE_COLUMNS} FROM rooms.messages
        WHERE rid = $1 AND deleted_at IS NULL AND t IS NULL AND id <> $2
        ORDER BY ts DESC, id DESC LIMIT 1`,
      [rid, excludingId],
    );
    return message ?? null;
  }

  /** A page of the visitor's room; `room` false when the room is not theirs. */
  async history(rid: string, token: string, page: { end: Date | null; limit: number; offset: number }): Promise<{ room: boolean; messages: MessageEntity[] }> {
    const rows = await preparedQuery<RoomAndMessageRow>(this.pool, HISTORY, [rid, token, page.end, page.limit, page.offset]);
    return { room: rows.length > 0, messages: rows.map(messageOf).filter((m): m is MessageEntity => m !== null) };
  }

  /** The room's changes after `after`, oldest first, at most `limit`; `room` false when the agent does not serve (nor served) it. */
  async changedSince(rid: string, agentId: string, after: Date, limit: number): Promise<{ room: boolean; messages: MessageEntity[] }> {
    const rows = await preparedQuery<RoomAndMessageRow>(this.pool, CHANGED_SINCE, [rid, agentId, after, limit]);
    return { room: rows.length > 0, messages: rows.map(messageOf).filter((m): m is MessageEntity => m !== null) };
  }

  /** A message (not deleted) of the visitor's room; `room` false when the room is not theirs. */
  async findInVisitorRoom(rid: string, token: string, id: string): Promise<{ room: boolean; message: MessageEntity | null }> {
    const [row] = await preparedQuery<RoomAndMessageRow>(this.pool, MESSAGE_OF_VISITOR_ROOM, [rid, token, id]);
    return { room: !!row, message: row ? messageOf(row) : null };
  }

  /**
   * Inserts the message unless its id is taken, and, only if it was inserted, applies the room's
   * changes and writes the events: one statement. Answers whether it was inserted.
   */
  insertWithRoomChanges(manager: EntityManager, message: MessageEntity, changes: Partial<RoomEntity>, events: Events): Promise<boolean> {
    const values = params(message, PROPERTIES);
    return this.together(manager, {
      text: `INSERT INTO rooms.messages (${PROPERTIES.map((p) => MESSAGE_COLUMN_NAMES[p]).join(', ')})
             VALUES (${PROPERTIES.map((_, i) => `$${i + 1}`).join(', ')})
             ON CONFLICT (id) DO NOTHING`,
      params: values,
    }, message.rid, changes, events);
  }

  /** Writes the message's edited text (it must not be deleted), the room's changes and the events: one statement. */
  updateWithRoomChanges(manager: EntityManager, message: MessageEntity, changes: Partial<RoomEntity>, events: Events): Promise<boolean> {
    const edited: (keyof MessageEntity)[] = ['msg', 'md', 'urls', 'updatedAt', 'editedAt', 'editedById', 'editedByUsername'];
    return this.together(manager, {
      text: `UPDATE rooms.messages SET ${edited.map((p, i) => `${MESSAGE_COLUMN_NAMES[p]} = $${i + 2}`).join(', ')}
              WHERE id = $1 AND deleted_at IS NULL`,
      params: [message.id, ...params(message, edited)],
    }, message.rid, changes, events);
  }

  /** Marks the message deleted at `at` (a tombstone), applies the room's changes and writes the events: one statement. */
  deleteWithRoomChanges(manager: EntityManager, message: MessageEntity, at: Date, changes: Partial<RoomEntity>, events: Events): Promise<boolean> {
    return this.together(manager, {
      text: `UPDATE rooms.messages SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL`,
      params: [message.id, at],
    }, message.rid, changes, events);
  }

  /** Inserts messages that change no room field (system messages), in the caller's transaction. */
  async insert(manager: EntityManager, messages: MessageEntity[]): Promise<void> {
    if (messages.length === 0) return;
    const rows = this.rows(messages);
    await sql(manager, `INSERT INTO ${rows.table} (${rows.columns}) ${rows.values}`, rows.params);
  }

  /**
   * The pieces of an INSERT of these messages, numbered from `$${firstParam}`, for a statement that
   * writes them together with the change they belong to (as Outbox.rows does for events).
   */
  rows(messages: MessageEntity[], firstParam = 1): { table: string; columns: string; values: string; params: unknown[] } {
    const all: unknown[] = [];
    const tuples = messages.map((m) => {
      const at = firstParam + all.length;
      all.push(...params(m, PROPERTIES));
      return `(${PROPERTIES.map((p, i) => `$${at + i}${CASTS[p] ?? ''}`).join(', ')})`;
    });
    return { table: 'rooms.messages', columns: PROPERTIES.map((p) => MESSAGE_COLUMN_NAMES[p]).join(', '), values: `VALUES ${tuples.join(', ')}`, params: all };
  }

  /** `message` (a statement on rooms.messages), then, only if it changed a row, the room's changes and the events. */
  private async together(
    manager: EntityManager,
    message: { text: string; params: unknown[] },
    rid: string,
    changes: Partial<RoomEntity>,
    events: Events,
  ): Promise<boolean> {
    const ridParam = message.params.length + 1;
    const room = roomSet(changes, ridParam + 1);
    const outbox = events(ridParam + 1 + room.params.length);
    const rows = await sql(manager,
      `WITH m AS (${message.text} RETURNING id),
            r AS (UPDATE rooms.rooms SET ${room.set} WHERE id = $${ridParam} AND EXISTS (SELECT 1 FROM m)),
            e AS (INSERT INTO ${outbox.table} (${outbox.columns}) SELECT v.* FROM (${outbox.values}) AS v, m)
       SELECT id FROM m`,
      [...message.params, rid, ...room.params, ...outbox.params],
    );
    return rows.length > 0;
  }
}
