import { Inject, Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type MigrationInterface } from 'typeorm';
import { migrateUnderLock } from './migrate.js';

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
      providers: [{ provide: DATABASE_OPTIONS, useValue: options }, Migrator],
      exports: [TypeOrmModule],
    };
  }
}
