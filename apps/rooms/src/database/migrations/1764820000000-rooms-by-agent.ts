import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `livechat/rooms` (docs/api.md#agents-sign-in) lists rooms newest first, paged: an agent's rooms (those they serve or
 * served, open or closed) by `rooms_served_by`, all rooms (the operator) by `rooms_newest`. `id`
 * breaks ties of equal `ts`, so pages never overlap.
 */
export class RoomsByAgent1764820000000 implements MigrationInterface {
  name = 'RoomsByAgent1764820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX rooms_served_by ON rooms.rooms (served_by_id, ts DESC, id DESC) WHERE served_by_id IS NOT NULL`);
    await q.query(`CREATE INDEX rooms_newest ON rooms.rooms (ts DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX rooms.rooms_newest`);
    await q.query(`DROP INDEX rooms.rooms_served_by`);
  }
}
