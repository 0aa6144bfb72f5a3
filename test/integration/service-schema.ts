import { connect, type NatsConnection } from '@nats-io/transport-node';
import { migrateUnderLock, Outbox, type OutboxOptions } from '@livechat/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { ROOMS_ENTITIES } from '../../apps/rooms/src/database/database.module.js';
import { ROOMS_MIGRATIONS } from '../../apps/rooms/src/database/migrations/index.js';
import { ROOMS_LOCKS } from '../../apps/rooms/src/database/rooms-locks.js';
import { ROUTING_ENTITIES } from '../../apps/routing/src/database/database.module.js';
import { ROUTING_MIGRATIONS } from '../../apps/routing/src/database/migrations/index.js';
import { ROUTING_LOCKS } from '../../apps/routing/src/database/routing-locks.js';
import { TestDatabase } from '../../harness/database.js';
import { TestNatsServer } from '../../harness/nats-server.js';

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

const OUTBOX_LOCKS = { rooms: ROOMS_LOCKS.outbox, routing: ROUTING_LOCKS.outbox };

/**
 * What an integration test file runs a service's code on: a test database with the service's
 * schema (`serviceSchema`), a pool beside TypeORM's for the hand-written statements, and, where
 * asked, a NATS server of its own with a connection to it. `stop` ends it all, the outboxes made
 * with `outbox` first.
 */
export class ServiceFixture {
  private readonly outboxes: Outbox[] = [];

  private constructor(
    private readonly service: keyof typeof SERVICES,
    readonly db: TestDatabase,
    readonly dataSource: DataSource,
    readonly pool: pg.Pool,
    private readonly natsServer: TestNatsServer | null,
    private readonly connection: NatsConnection | null,
  ) {}

  /** `dataSourcePoolSize`: TypeORM's connections; `poolMax`: the other pool's. */
  static async start(
    service: keyof typeof SERVICES,
    { nats = false, dataSourcePoolSize = 4, poolMax = 2 }: { nats?: boolean; dataSourcePoolSize?: number; poolMax?: number } = {},
  ): Promise<ServiceFixture> {
    const [db, natsServer] = await Promise.all([TestDatabase.create(), nats ? TestNatsServer.start() : null]);
    const dataSource = await serviceSchema(db, service, dataSourcePoolSize);
    const pool = new pg.Pool({ connectionString: db.url, max: poolMax });
    const connection = natsServer ? await connect({ servers: natsServer.url }) : null;
    return new ServiceFixture(service, db, dataSource, pool, natsServer, connection);
  }

  /** The connection to the fixture's NATS server (started with `nats: true`). */
  get nc(): NatsConnection {
    if (!this.connection) throw new Error('this fixture was started without NATS');
    return this.connection;
  }

  /** The service's outbox on this database and NATS server (not relaying until its onApplicationBootstrap). */
  outbox(options: Partial<OutboxOptions> = {}): Outbox {
    const outbox = new Outbox(this.dataSource, this.pool, this.nc, { table: `${this.service}.outbox`, lockKey: OUTBOX_LOCKS[this.service], pollMs: 60_000, ...options });
    this.outboxes.push(outbox);
    return outbox;
  }

  async stop(): Promise<void> {
    for (const outbox of this.outboxes) await outbox.beforeApplicationShutdown();
    await this.connection?.close();
    await this.pool.end();
    await this.dataSource.destroy();
    await this.natsServer?.stop();
    await this.db.drop();
  }
}
