/**
 * Visitors with one open room each, written straight into rooms' tables (registering a million
 * visitors through the API would take the whole time budget). Visitor n has the token md5('t' || n):
 * random-looking, as real tokens are, so lookups spread over the indexes.
 */
import { createHash } from 'node:crypto';
import type { TestDatabase } from '../../harness/database.js';

export function seededToken(n: number): string {
  return createHash('md5').update(`t${n}`).digest('hex');
}

/** Grows the seeded visitors (each with an open room) to `total`, in batches; answers how many there are. */
export async function seedOpenRooms(db: TestDatabase, total: number, log = (_: string) => {}): Promise<number> {
  const [{ count }] = await db.query<{ count: string }>(`SELECT count(*) FROM rooms.visitors WHERE username LIKE 'seed-%'`);
  const BATCH = 100_000;
  for (let from = Number(count); from < total; from += BATCH) {
    const to = Math.min(total, from + BATCH) - 1;
    await db.query(
      `INSERT INTO rooms.visitors (id, token, username, name, status, ts, updated_at)
       SELECT left(md5('v' || n), 17), md5('t' || n), 'seed-' || n, 'Visitor ' || n, 'online', now(), now()
         FROM generate_series($1::int, $2::int) n`,
      [from, to],
    );
    await db.query(
      `INSERT INTO rooms.rooms (id, visitor_id, visitor_username, visitor_token, visitor_status, fname, open, msgs,
                                users_count, source, ts, updated_at, lm, queued_at)
       SELECT left(md5('r' || n), 17), left(md5('v' || n), 17), 'seed-' || n, md5('t' || n), 'online', 'Visitor ' || n,
              true, 0, 1, '{"type":"api"}', now(), now(), now(), now()
         FROM generate_series($1::int, $2::int) n`,
      [from, to],
    );
    log(`seeded ${to + 1} visitors with open rooms`);
  }
  await db.query(`VACUUM ANALYZE rooms.visitors`);
  await db.query(`VACUUM ANALYZE rooms.rooms`);
  // Write the seeded pages out now: otherwise the checkpoint after a bulk load writes hundreds of
  // megabytes during the measurements that follow, and the disk's load is what gets measured.
  await db.query(`CHECKPOINT`);
  return Math.max(total, Number(count));
}
