import { Inject, Injectable } from '@nestjs/common';
import { EntityColumns, PG_POOL, preparedQuery, sql, type RowSet } from '@livechat/common';
import type { Pool } from 'pg';
import { DataSource, IsNull, Not, type EntityManager } from 'typeorm';
import { RoomEntity } from '../rooms/room.entity.js';
import { MessageEntity } from './message.entity.js';

type Statement = { name: string; text: string };
type RoomAndMessageRow = { roomId: string } & Record<string, unknown>;

/**
 * The messages table (see the messages migration), and the statements that write a message together
 * with the room fields it drives and its event: one statement each, in the caller's transaction, under
 * the room's row lock taken first (`lockVisitorRoom`, or `RoomsRepository.findForUpdate`), so concurrent writers to a room queue up and each
 * computes from the room as the previous one left it (docs/guarantees.md#8-a-message-change-is-stored-counted-and-published-once: no lost update).
 */
@Injectable()
export class MessagesRepository {
  private readonly columns: EntityColumns<MessageEntity>;
  private readonly roomColumns: EntityColumns<RoomEntity>;
  /**
   * A room's history, newest first (docs/api.md#messages): over `messages_history`, scoped to the room, paged by
   * `ts < end` and offset. One statement answers both whether the room is the visitor's (no row: it is
   * not) and its page (a row with null message columns: an empty page).
   */
  private readonly historyStatement: Statement;
  private readonly messageOfVisitorRoom: Statement;
  /**
   * What changed in a room strictly after a date, tombstones included, oldest change first (docs/api.md#agents-sign-in
   * `chat.syncMessages`), over `messages_changed`; only when the room is served (or was) by `$2`: no
   * row at all when it is not, a row with null message columns when nothing changed. Within a room
   * every change has its own `updated_at` (see nextInstant), so "after the newest one seen" pages
   * without missing or repeating anything.
   */
  private readonly changedSinceStatement: Statement;

  constructor(dataSource: DataSource, @Inject(PG_POOL) private readonly pool: Pool) {
    this.columns = new EntityColumns(dataSource.getMetadata(MessageEntity));
    this.roomColumns = new EntityColumns(dataSource.getMetadata(RoomEntity));
    const message = this.columns.select('m', 'm.');
    this.historyStatement = {
      name: 'rooms.message-history',
      text: `SELECT r.id AS "roomId", ${message}
               FROM rooms.rooms r
               LEFT JOIN LATERAL (
                 SELECT * FROM rooms.messages
                  WHERE rid = r.id AND deleted_at IS NULL AND ts < COALESCE($3::timestamptz, 'infinity')
                  ORDER BY ts DESC, id DESC LIMIT $4 OFFSET $5
               ) m ON true
              WHERE r.id = $1 AND r.visitor_token = $2
              ORDER BY m.ts DESC, m.id DESC`,
    };
    this.messageOfVisitorRoom = {
      name: 'rooms.message-of-visitor-room',
      text: `SELECT r.id AS "roomId", ${message}
               FROM rooms.rooms r
               LEFT JOIN rooms.messages m ON m.id = $3 AND m.rid = r.id AND m.deleted_at IS NULL
              WHERE r.id = $1 AND r.visitor_token = $2`,
    };
    this.changedSinceStatement = {
      name: 'rooms.messages-changed-since',
      text: `SELECT r.id AS "roomId", ${message}
               FROM rooms.rooms r
               LEFT JOIN LATERAL (
                 SELECT * FROM rooms.messages WHERE rid = r.id AND updated_at > $3 ORDER BY updated_at, id LIMIT $4
               ) m ON true
              WHERE r.id = $1 AND r.served_by_id = $2
              ORDER BY m.updated_at, m.id`,
    };
  }

  /** The visitor's room (open or closed) locked until the transaction ends, with the visitor's name; null when `rid` is not theirs. */
  async lockVisitorRoom(manager: EntityManager, rid: string, token: string): Promise<{ room: RoomEntity; visitorName: string | null } | null> {
    const [row] = await sql<RoomEntity & { visitorName: string | null }>(manager,
      `SELECT ${this.roomColumns.select('r')}, v.name AS "visitorName"
         FROM rooms.rooms r JOIN rooms.visitors v ON v.id = r.visitor_id
        WHERE r.id = $1 AND r.visitor_token = $2
          FOR UPDATE OF r`,
      [rid, token],
    );
    if (!row) return null;
    const { visitorName, ...room } = row;
    return { room: room as RoomEntity, visitorName };
  }

  findById(manager: EntityManager, id: string): Promise<MessageEntity | null> {
    return manager.getRepository(MessageEntity).findOneBy({ id });
  }

  /** The newest visitor or agent message of the room that is not deleted, other than `excludingId`. */
  newestVisible(manager: EntityManager, rid: string, excludingId: string): Promise<MessageEntity | null> {
    return manager.getRepository(MessageEntity).findOne({
      where: { rid, deletedAt: IsNull(), t: IsNull(), id: Not(excludingId) },
      order: { ts: 'DESC', id: 'DESC' },
    });
  }

  /** A page of the visitor's room; `room` false when the room is not theirs. */
  async history(rid: string, token: string, page: { end: Date | null; limit: number; offset: number }): Promise<{ room: boolean; messages: MessageEntity[] }> {
    const rows = await preparedQuery<RoomAndMessageRow>(this.pool, this.historyStatement, [rid, token, page.end, page.limit, page.offset]);
    return { room: rows.length > 0, messages: this.messagesOf(rows) };
  }

  /** The room's changes after `after`, oldest first, at most `limit`; `room` false when the agent does not serve (nor served) it. */
  async changedSince(rid: string, agentId: string, after: Date, limit: number): Promise<{ room: boolean; messages: MessageEntity[] }> {
    const rows = await preparedQuery<RoomAndMessageRow>(this.pool, this.changedSinceStatement, [rid, agentId, after, limit]);
    return { room: rows.length > 0, messages: this.messagesOf(rows) };
  }

  /** A message (not deleted) of the visitor's room; `room` false when the room is not theirs. */
  async findInVisitorRoom(rid: string, token: string, id: string): Promise<{ room: boolean; message: MessageEntity | null }> {
    const [row] = await preparedQuery<RoomAndMessageRow>(this.pool, this.messageOfVisitorRoom, [rid, token, id]);
    return { room: !!row, message: row ? this.columns.fromPrefixed(row, 'm.') : null };
  }

  /**
   * Inserts the message unless its id is taken, and, only if it was inserted, applies the room's
   * changes and writes the events: one statement. Answers whether it was inserted.
   */
  insertWithRoomChanges(manager: EntityManager, message: MessageEntity, changes: Partial<RoomEntity>, events: RowSet): Promise<boolean> {
    const insert = this.columns.rows([message]).insert();
    return this.together(manager, { text: `${insert.text} ON CONFLICT (id) DO NOTHING`, params: insert.params }, message.rid, changes, events);
  }

  /** Writes the message's edited text (it must not be deleted), the room's changes and the events: one statement. */
  updateWithRoomChanges(manager: EntityManager, message: MessageEntity, changes: Partial<RoomEntity>, events: RowSet): Promise<boolean> {
    const edited: (keyof MessageEntity)[] = ['msg', 'md', 'urls', 'updatedAt', 'editedAt', 'editedById', 'editedByUsername'];
    return this.together(manager, {
      text: `UPDATE rooms.messages SET ${edited.map((p, i) => `${this.columns.name(p)} = $${i + 2}`).join(', ')}
              WHERE id = $1 AND deleted_at IS NULL`,
      params: [message.id, ...this.columns.params(message, edited)],
    }, message.rid, changes, events);
  }

  /** Marks the message deleted at `at` (a tombstone), applies the room's changes and writes the events: one statement. */
  deleteWithRoomChanges(manager: EntityManager, message: MessageEntity, at: Date, changes: Partial<RoomEntity>, events: RowSet): Promise<boolean> {
    return this.together(manager, {
      text: `UPDATE rooms.messages SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL`,
      params: [message.id, at],
    }, message.rid, changes, events);
  }

  /** Inserts messages that change no room field (system messages), in the caller's transaction. */
  async insert(manager: EntityManager, messages: MessageEntity[]): Promise<void> {
    if (messages.length === 0) return;
    const insert = this.rows(messages).insert();
    await sql(manager, insert.text, insert.params);
  }

  /** The rows of these messages, for a statement that writes them together with the change they belong to. */
  rows(messages: MessageEntity[]): RowSet {
    return this.columns.rows(messages);
  }

  /** `message` (a statement on rooms.messages), then, only if it changed a row, the room's changes and the events. */
  private async together(
    manager: EntityManager,
    message: { text: string; params: unknown[] },
    rid: string,
    changes: Partial<RoomEntity>,
    events: RowSet,
  ): Promise<boolean> {
    const ridParam = message.params.length + 1;
    const room = this.roomColumns.set(changes, ridParam + 1);
    const outbox = events.insert(ridParam + 1 + room.params.length, 'm');
    const rows = await sql(manager,
      `WITH m AS (${message.text} RETURNING id),
            r AS (UPDATE rooms.rooms SET ${room.text} WHERE id = $${ridParam} AND EXISTS (SELECT 1 FROM m)),
            e AS (${outbox.text})
       SELECT id FROM m`,
      [...message.params, rid, ...room.params, ...outbox.params],
    );
    return rows.length > 0;
  }

  private messagesOf(rows: RoomAndMessageRow[]): MessageEntity[] {
    return rows.map((row) => this.columns.fromPrefixed(row, 'm.')).filter((m): m is MessageEntity => m !== null);
  }
}
