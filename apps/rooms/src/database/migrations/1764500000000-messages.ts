import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A room's conversation (docs/api.md#storage-and-concurrency): its messages, and the room fields they drive.
 *
 * `rooms.messages` is read three ways, each by one index, all scoped to one room so that a room with
 * many thousands of messages costs no more than the page asked for:
 * - a room's history, newest first, paged by date (`ts < end`) and offset: `messages_history`,
 *   (rid, ts DESC, id DESC) over the messages not deleted; `id` breaks ties of equal `ts`, so pages
 *   do not overlap;
 * - a sync since a date (issue 12's `chat.syncMessages`: every message changed strictly after
 *   `lastUpdate`, deleted ones included): `messages_changed`, (rid, updated_at). A deleted message
 *   stays as a tombstone (`deleted_at`) for it, out of the history;
 * - one message by its id: the primary key. The id is global (the client's `_id` for a visitor
 *   message), which is what makes a retried send idempotent.
 * Per room, `ts` and `updated_at` grow strictly in commit order (the writer holds the room's row lock
 * and takes a time after the room's last change), so "changed after" never misses a change.
 *
 * The room keeps what its answers show without a join: `last_message` (the newest visitor or agent
 * message, as the API answers it), `visitor_last_message_ts`, `waiting_response`, `response_by`;
 * `metrics` (jsonb) gains the reference's response metrics.
 */
export class Messages1764500000000 implements MigrationInterface {
  name = 'Messages1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rooms.messages (
        id                  text PRIMARY KEY,
        rid                 text NOT NULL REFERENCES rooms.rooms (id),
        t                   text,
        msg                 text NOT NULL,
        ts                  timestamptz NOT NULL,
        updated_at          timestamptz NOT NULL,
        u_id                text NOT NULL,
        u_username          text NOT NULL,
        u_name              text,
        token               text,
        alias               text,
        md                  jsonb,
        urls                jsonb,
        edited_at           timestamptz,
        edited_by_id        text,
        edited_by_username  text,
        deleted_at          timestamptz,
        CONSTRAINT messages_visitor_or_system CHECK (t IS NULL OR token IS NULL)
      )`);
    await q.query(`CREATE INDEX messages_history ON rooms.messages (rid, ts DESC, id DESC) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX messages_changed ON rooms.messages (rid, updated_at)`);
    await q.query(`ALTER TABLE rooms.rooms
      ADD COLUMN last_message            jsonb,
      ADD COLUMN visitor_last_message_ts timestamptz,
      ADD COLUMN waiting_response        boolean NOT NULL DEFAULT true,
      ADD COLUMN response_by             jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rooms.rooms
      DROP COLUMN response_by, DROP COLUMN waiting_response, DROP COLUMN visitor_last_message_ts, DROP COLUMN last_message`);
    await q.query(`DROP TABLE rooms.messages`);
  }
}
