import { migrateUnderLock } from '@livechat/common';
import { DataSource } from 'typeorm';
import { ROOMS_ENTITIES } from '../../apps/rooms/src/database/database.module.js';
import { ROOMS_MIGRATIONS } from '../../apps/rooms/src/database/migrations/index.js';
import { ROOMS_LOCKS } from '../../apps/rooms/src/database/rooms-locks.js';
import { ROUTING_ENTITIES } from '../../apps/routing/src/database/database.module.js';
import { ROUTING_MIGRATIONS } from '../../apps/routing/src/database/migrations/index.js';
import { ROUTING_LOCKS } from '../../apps/routing/src/database/routing-locks.js';
import type { TestDatabase } from '../../harness/database.js';

const SERVICES = {
  rooms: { entities: ROOMS_ENTITIES, migrations: ROOMS_MIGRATIONS, lockKey: ROOMS_LOCKS.migrations },
  routing: { entities: ROUTING_ENTITIES, migrations: ROUTING_MIGRATIONS, lockKey: ROUTING_LOCKS.migrations },
};

/**
 * A service's schema in a test database as the service has it once started: its entities, and its
 * committed migrations applied under its migration lock.
 */
export async function serviceSchema(db: TestDatabase, service: keyof typeof SERVICES, poolSize = 4): Promise<DataSource> {
  const { entities, migrations, lockKey } = SERVICES[service];
  const dataSource = new DataSource({ type: 'postgres', url: db.url, schema: service, entities, migrations, migrationsTableName: 'migrations', poolSize });
  await dataSource.initialize();
  await migrateUnderLock(dataSource, service, lockKey);
  return dataSource;
}
