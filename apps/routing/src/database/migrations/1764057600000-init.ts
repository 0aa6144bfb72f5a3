import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1764057600000 implements MigrationInterface {
  name = 'Init1764057600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE routing.agents (
        id               text PRIMARY KEY,
        username         text NOT NULL,
        name             text,
        status           text NOT NULL DEFAULT 'online' CHECK (status IN ('online', 'away', 'offline')),
        status_livechat  text NOT NULL DEFAULT 'available' CHECK (status_livechat IN ('available', 'not-available')),
        max_chats        integer CHECK (max_chats >= 0),
        active_chats     integer NOT NULL DEFAULT 0 CHECK (active_chats >= 0),
        routed_total     integer NOT NULL DEFAULT 0,
        last_routed_at   timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT agents_username_key UNIQUE (username)
      )`);
    await q.query(`
      CREATE TABLE routing.departments (
        id                        text PRIMARY KEY,
        name                      text NOT NULL,
        enabled                   boolean NOT NULL,
        show_on_registration      boolean NOT NULL,
        max_simultaneous_chats    integer NOT NULL DEFAULT 0 CHECK (max_simultaneous_chats >= 0),
        fallback_department_id    text REFERENCES routing.departments (id) ON DELETE SET NULL,
        created_at                timestamptz NOT NULL,
        updated_at                timestamptz NOT NULL,
        CONSTRAINT departments_name_key UNIQUE (name)
      )`);
    await q.query(`
      CREATE TABLE routing.department_agents (
        id             text NOT NULL UNIQUE,
        department_id  text NOT NULL REFERENCES routing.departments (id) ON DELETE CASCADE,
        agent_id       text NOT NULL REFERENCES routing.agents (id) ON DELETE CASCADE,
        count          integer NOT NULL DEFAULT 0,
        "order"        integer NOT NULL DEFAULT 0,
        PRIMARY KEY (department_id, agent_id)
      )`);
    await q.query(`CREATE INDEX department_agents_agent_idx ON routing.department_agents (agent_id)`);
    await q.query(`CREATE TABLE routing.settings (id text PRIMARY KEY, value jsonb NOT NULL)`);
    // routing's record of every room: queued until an agent takes it, closed when rooms says so.
    await q.query(`
      CREATE TABLE routing.inquiries (
        id                  text PRIMARY KEY,
        room_id             text NOT NULL,
        status              text NOT NULL CHECK (status IN ('queued', 'taken', 'closed')),
        department_id       text,
        preferred_agent_id  text,
        agent_id            text,
        name                text,
        visitor             jsonb,
        ts                  timestamptz,
        queued_at           timestamptz NOT NULL,
        taken_at            timestamptz,
        version             integer NOT NULL DEFAULT 0,
        CONSTRAINT inquiries_room_key UNIQUE (room_id),
        CONSTRAINT inquiries_taken_has_agent CHECK ((status = 'taken') = (agent_id IS NOT NULL) OR status = 'closed')
      )`);
    await q.query(`CREATE INDEX inquiries_queue_idx ON routing.inquiries (queued_at, id) WHERE status = 'queued'`);
    await q.query(`CREATE INDEX inquiries_agent_idx ON routing.inquiries (agent_id, department_id) WHERE status = 'taken'`);
    await q.query(`
      CREATE TABLE routing.outbox (
        id          bigserial PRIMARY KEY,
        event_id    text NOT NULL UNIQUE,
        subject     text NOT NULL,
        payload     text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE routing.outbox`);
    await q.query(`DROP TABLE routing.inquiries`);
    await q.query(`DROP TABLE routing.settings`);
    await q.query(`DROP TABLE routing.department_agents`);
    await q.query(`DROP TABLE routing.departments`);
    await q.query(`DROP TABLE routing.agents`);
  }
}
