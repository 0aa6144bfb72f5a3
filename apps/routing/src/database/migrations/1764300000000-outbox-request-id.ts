import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The id of the request an event was written for (`x-request-id`), published with the event as a
 * header so that its consumers log under the same id. Null for events no request caused.
 */
export class OutboxRequestId1764300000000 implements MigrationInterface {
  name = 'OutboxRequestId1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE routing.outbox ADD COLUMN request_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE routing.outbox DROP COLUMN request_id`);
  }
}
