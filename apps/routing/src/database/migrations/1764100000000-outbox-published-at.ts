import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Relayed events stay in the outbox for a while, marked published, so that the relay can publish
 * them again if NATS restarts and lost what it had acknowledged but not yet written to disk.
 */
export class OutboxPublishedAt1764100000000 implements MigrationInterface {
  name = 'OutboxPublishedAt1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE routing.outbox ADD COLUMN published_at timestamptz`);
    await q.query(`CREATE INDEX outbox_unpublished_idx ON routing.outbox (id) WHERE published_at IS NULL`);
    await q.query(`CREATE INDEX outbox_published_at_idx ON routing.outbox (published_at) WHERE published_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX routing.outbox_published_at_idx`);
    await q.query(`DROP INDEX routing.outbox_unpublished_idx`);
    await q.query(`ALTER TABLE routing.outbox DROP COLUMN published_at`);
  }
}
