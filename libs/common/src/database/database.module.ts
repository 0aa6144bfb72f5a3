import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { migrateUnderLock } from './migrate.js';

/**
 * The service's own pg pool, beside TypeORM's, for the hot path's prepared statements
 * (`preparedQuery`): a statement is parsed and planned once per connection, and no query runner is
 * made per call. Its connections come out of DATABASE_POOL_SIZE (see `splitPool`); closed last at
 * shutdown.
 */
export const PG_POOL = Symbol('PG_POOL');

export interface ServiceDatabaseOptions {
  url: string;
  poolSize: number;
  /** The schema the service owns; its migrations table lives there too. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Function[];
  migrations: (new () => MigrationInterface)[];
  /** pg advisory lock key under which the migrations run. */
  migrationLockKey: number;
  applicationName: string;
}

const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');

@Injectable()
class Migrator implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(DATABASE_OPTIONS) private readonly options: ServiceDatabaseOptions,
  ) {}

  onModuleInit(): Promise<void> {
    return migrateUnderLock(this.dataSource, this.options.schema, this.options.migrationLockKey);
  }
}

@Injectable()
class PgPoolCloser implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

/**
 * A replica's `poolSize` connections, shared by the two pools: 3 for the hot path's pool (its reads
 * are batched, so a few connections carry thousands of lookups a second), the rest for TypeORM's
 * (transactions, writes); at least 2 each. PostgreSQL's max_connections is shared by every replica,
 * so the total stays what DATABASE_POOL_SIZE says.
 */
export function splitPool(poolSize: number): { hotPath: number; typeorm: number } {
  const hotPath = poolSize >= 8 ? 3 : 2;
  return { hotPath, typeorm: Math.max(2, poolSize - hotPath) };
}

/**
 * A service's own PostgreSQL schema through TypeORM: its entities and its committed migrations,
 * applied at start-up before the service takes requests; never `synchronize`.
 */
@Module({})
export class ServiceDatabaseModule {
  static forRoot(options: ServiceDatabaseOptions): DynamicModule {
    return {
      module: ServiceDatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: options.url,
          schema: options.schema,
          entities: options.entities,
          migrations: options.migrations,
          migrationsTableName: 'migrations',
          synchronize: false,
          migrationsRun: false,
          poolSize: splitPool(options.poolSize).typeorm,
          applicationName: options.applicationName,
          retryAttempts: 0,
        }),
        TypeOrmModule.forFeature(options.entities),
      ],
      providers: [
        { provide: DATABASE_OPTIONS, useValue: options },
        Migrator,
        {
          provide: PG_POOL,
          useFactory: () => {
            const pool = new pg.Pool({ connectionString: options.url, max: splitPool(options.poolSize).hotPath, application_name: options.applicationName });
            // An idle connection that PostgreSQL drops (restart, crash) is replaced by the pool; the
            // queries that were on it fail and are answered as the dependency being away.
            pool.on('error', () => undefined);
            return pool;
          },
        },
        PgPoolCloser,
      ],
      exports: [TypeOrmModule, PG_POOL],
    };
  }
}
