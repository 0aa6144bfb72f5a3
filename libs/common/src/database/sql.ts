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
