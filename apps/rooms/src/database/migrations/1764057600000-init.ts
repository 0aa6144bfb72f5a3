import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1764057600000 implements MigrationInterface {
  name = 'Init1764057600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE rooms.guest_seq`);
    await q.query(`
      CREATE TABLE rooms.visitors (
        id            text PRIMARY KEY,
        token         text NOT NULL,
        username      text NOT NULL,
        name          text,
        email         text,
        phone         text,
        department_id text,
        status        text NOT NULL DEFAULT 'online',
        livechat_data jsonb,
        ts            timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL,
        CONSTRAINT visitors_token_key UNIQUE (token)
      )`);
    await q.query(`CREATE INDEX visitors_phone_idx ON rooms.visitors (phone) WHERE phone IS NOT NULL`);
    await q.query(`
      CREATE TABLE rooms.rooms (
        id                  text PRIMARY KEY,
        visitor_id          text NOT NULL REFERENCES rooms.visitors (id),
        visitor_username    text NOT NULL,
        visitor_token       text NOT NULL,
        visitor_status      text NOT NULL,
        fname               text NOT NULL,
        department_id       text,
        open                boolean NOT NULL DEFAULT true,
        msgs                integer NOT NULL DEFAULT 0,
        users_count         integer NOT NULL DEFAULT 1,
        source              jsonb NOT NULL,
        ts                  timestamptz NOT NULL,
        updated_at          timestamptz NOT NULL,
        lm                  timestamptz NOT NULL,
        queued_at           timestamptz NOT NULL,
        served_by_id        text,
        served_by_username  text,
        served_by_ts        timestamptz,
        assignment_version  integer NOT NULL DEFAULT 0,
        closed_at           timestamptz,
        closer              text,
        closed_by_id        text,
        closed_by_username  text,
        metrics             jsonb,
        custom_fields       jsonb,
        CONSTRAINT rooms_closed_consistent CHECK (open = (closed_at IS NULL))
      )`);
    // docs/guarantees.md#1-one-open-room-per-visitor: one open room per visitor, enforced here rather than by check-then-insert.
    await q.query(`CREATE UNIQUE INDEX rooms_one_open_per_visitor ON rooms.rooms (visitor_id) WHERE open`);
    await q.query(`CREATE INDEX rooms_visitor_idx ON rooms.rooms (visitor_id)`);
    await q.query(`
      CREATE TABLE rooms.outbox (
        id          bigserial PRIMARY KEY,
        event_id    text NOT NULL UNIQUE,
        subject     text NOT NULL,
        payload     text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rooms.outbox`);
    await q.query(`DROP TABLE rooms.rooms`);
    await q.query(`DROP TABLE rooms.visitors`);
    await q.query(`DROP SEQUENCE rooms.guest_seq`);
  }
}
