import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';

/**
 * Runs hand-written SQL and answers its rows, whatever the statement. (TypeORM's `query()` answers
 * `[rows, rowCount]` for UPDATE and DELETE, so `RETURNING` rows would be read wrongly through it.)
 * In a transaction's manager the statement runs on the transaction's connection.
 */
export async function sql<T = Record<string, unknown>>(manager: EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(text, params, true);
    return result.records as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

/**
 * A statement as a named prepared statement on the service's own pool (PG_POOL), outside any
 * transaction: PostgreSQL parses and plans it once per connection instead of once per call, and no
 * query runner is made. `name` must be unique to `text`; without one, the statement is named after
 * its text (for statements built from a few variants).
 */
export async function preparedQuery<T = Record<string, unknown>>(
  pool: Pool,
  statement: { name?: string; text: string },
  values: unknown[],
): Promise<T[]> {
  const result = await pool.query({ name: statement.name ?? statementName(statement.text), text: statement.text, values });
  return result.rows as T[];
}

/**
 * Runs `fn` with a connection of its own from the service's pool (PG_POOL), for a transaction spelled out in
 * fewer round trips than `dataSource.transaction` takes (a simple query may hold several statements:
 * `BEGIN; …; …`). `fn` ends the transaction it began; the connection goes back to the pool after.
 */
export async function withConnection<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection that breaks while checked out and between two queries (the database goes away while
  // `fn` awaits something else) emits 'error': without a listener, that would crash the process. The
  // next query fails anyway, and the broken connection is dropped below.
  let broken: Error | undefined;
  const onError = (err: Error) => (broken = err);
  client.on('error', onError);
  try {
    const result = await fn(client);
    client.off('error', onError);
    client.release(broken);
    return result;
  } catch (err) {
    client.off('error', onError);
    // The connection may be broken (or mid-transaction): the pool drops it rather than hand it out again.
    client.release(broken ?? (err instanceof Error ? err : new Error(String(err))));
    throw err;
  }
}

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `q-${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

