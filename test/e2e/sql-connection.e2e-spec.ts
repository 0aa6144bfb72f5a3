import 'reflect-metadata';
import pg from 'pg';
import { preparedQuery, withConnection } from '@livechat/common';
import { TestDatabase } from '../../harness/database.js';

/**
 * withConnection (the outbox relay's connection, held across a JetStream publish): a connection the
 * database drops while it is checked out and idle must fail the caller, not crash the process with an
 * unhandled 'error' event (found by the kill-restart suite: both rooms replicas died when PostgreSQL
 * crashed mid-relay), and it must not go back into the pool.
 */
describe('a connection of its own (withConnection)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await TestDatabase.create();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('fails the caller when the database drops the connection between two queries, and the pool goes on', async () => {
    const attempt = withConnection(pool, async (client) => {
      const [{ pid }] = (await client.query('SELECT pg_backend_pid() AS pid')).rows;
      await db.query('SELECT pg_terminate_backend($1)', [pid]);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the 'error' event arrives while we wait
      await client.query('SELECT 1');
    });
    await expect(attempt).rejects.toThrow();
    for (let i = 0; i < 4; i += 1) expect(await preparedQuery(pool, { text: 'SELECT 1 AS one' }, [])).toEqual([{ one: 1 }]);
  });
});
