import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A new room served at once (docs/routing.md#a-new-room-served-at-once): routing reserves an agent's capacity for a room id before the
 * room exists. The inquiry is `reserved` until `reserved_until` (the deadline rooms' served insert is
 * fenced by), then taken (room.opened confirms it), queued (the room opened unserved) or gone (the room
 * never opened). Its capacity counts like a taken room's meanwhile. The queue's departments and
 * preferred agents get indexes of their own: every admission asks whether a waiting room could be served
 * now (a new room must not jump the queue, docs/guarantees.md#5-the-queue-drains-in-order).
 */
export class Reservations1764500000000 implements MigrationInterface {
  name = 'Reservations1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE routing.inquiries DROP CONSTRAINT inquiries_status_check`);
    await q.query(`ALTER TABLE routing.inquiries DROP CONSTRAINT inquiries_taken_has_agent`);
    await q.query(`ALTER TABLE routing.inquiries ADD COLUMN reserved_until timestamptz`);
    await q.query(`
      ALTER TABLE routing.inquiries
        ADD CONSTRAINT inquiries_status_check CHECK (status IN ('queued', 'reserved', 'taken', 'closed')),
        ADD CONSTRAINT inquiries_taken_has_agent CHECK ((status IN ('reserved', 'taken')) = (agent_id IS NOT NULL) OR status = 'closed'),
        ADD CONSTRAINT inquiries_reserved_has_deadline CHECK ((status = 'reserved') = (reserved_until IS NOT NULL))`);
    await q.query(`CREATE INDEX inquiries_reserved_idx ON routing.inquiries (reserved_until) WHERE status = 'reserved'`);
    await q.query(`DROP INDEX routing.inquiries_agent_idx`);
    await q.query(`CREATE INDEX inquiries_agent_idx ON routing.inquiries (agent_id, department_id) WHERE status IN ('reserved', 'taken')`);
    await q.query(`CREATE INDEX inquiries_waiting_department_idx ON routing.inquiries (department_id) WHERE status = 'queued'`);
    await q.query(`
      CREATE INDEX inquiries_waiting_agent_idx ON routing.inquiries (preferred_agent_id, department_id)
       WHERE status = 'queued' AND preferred_agent_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX routing.inquiries_waiting_agent_idx`);
    await q.query(`DROP INDEX routing.inquiries_waiting_department_idx`);
    await q.query(`DROP INDEX routing.inquiries_agent_idx`);
    await q.query(`CREATE INDEX inquiries_agent_idx ON routing.inquiries (agent_id, department_id) WHERE status = 'taken'`);
    await q.query(`DROP INDEX routing.inquiries_reserved_idx`);
    await q.query(`DELETE FROM routing.inquiries WHERE status = 'reserved'`);
    await q.query(`
      ALTER TABLE routing.inquiries
        DROP CONSTRAINT inquiries_reserved_has_deadline,
        DROP CONSTRAINT inquiries_taken_has_agent,
        DROP CONSTRAINT inquiries_status_check`);
    await q.query(`ALTER TABLE routing.inquiries DROP COLUMN reserved_until`);
    await q.query(`
      ALTER TABLE routing.inquiries
        ADD CONSTRAINT inquiries_status_check CHECK (status IN ('queued', 'taken', 'closed')),
        ADD CONSTRAINT inquiries_taken_has_agent CHECK ((status = 'taken') = (agent_id IS NOT NULL) OR status = 'closed')`);
  }
}
