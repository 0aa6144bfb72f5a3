import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { migrateUnderLock } from './migrate.js';

/**
 * The service's own pg pool, beside TypeORM's, for the hot path's prepared statements
 * (`preparedQuery`): a statement is parsed and planned once per connection, and no query runner is
 * made per call. At most half as many connections as TypeORM's pool; closed last at shutdown.
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

/** The pool's size for a service whose TypeORM pool has `poolSize` connections. */
export function hotPathPoolSize(poolSize: number): number {
  return Math.max(2, Math.ceil(poolSize / 2));
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
          poolSize: options.poolSize,
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
            const pool = new pg.Pool({ connectionString: options.url, max: hotPathPoolSize(options.poolSize), application_name: options.applicationName });
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
