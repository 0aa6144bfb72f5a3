import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/**
 * Applies the service's committed migrations under a pg advisory lock, so replicas that start
 * together run them once. The schema is created first, since the migrations table lives in it.
 */
export async function migrateUnderLock(dataSource: DataSource, schema: string, lockKey: number): Promise<void> {
  const logger = new Logger('Migrations');
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    logger.log(`waiting for the migration lock of schema "${schema}"`);
    await runner.query('SELECT pg_advisory_lock($1)', [lockKey]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    logger.log(applied.length > 0 ? `applied ${applied.map((m) => m.name).join(', ')}` : `schema "${schema}" is up to date`);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
    await runner.release();
  }
}
