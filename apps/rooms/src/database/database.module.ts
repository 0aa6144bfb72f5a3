import { Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { migrateUnderLock } from '@livechat/common';
import { DataSource } from 'typeorm';
import { RoomEntity } from '../rooms/room.entity.js';
import { VisitorEntity } from '../visitors/visitor.entity.js';
import { ROOMS_MIGRATIONS } from './migrations/index.js';

export const ROOMS_SCHEMA = 'rooms';
/** pg advisory lock keys of the rooms service. */
export const ROOMS_LOCKS = { migrations: 0x524f4f4d, outbox: 0x524f4f4e } as const;

@Injectable()
class RoomsMigrator implements OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): Promise<void> {
    return migrateUnderLock(this.dataSource, ROOMS_SCHEMA, ROOMS_LOCKS.migrations);
  }
}

/** The rooms schema: TypeORM over PostgreSQL, migrated on boot, never synchronized. */
@Module({})
export class DatabaseModule {
  static forRoot(options: { url: string; poolSize: number }): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: options.url,
          schema: ROOMS_SCHEMA,
          entities: [VisitorEntity, RoomEntity],
          migrations: ROOMS_MIGRATIONS,
          migrationsTableName: 'migrations',
          synchronize: false,
          migrationsRun: false,
          poolSize: options.poolSize,
          applicationName: 'livechat-rooms',
          retryAttempts: 0,
        }),
        TypeOrmModule.forFeature([VisitorEntity, RoomEntity]),
      ],
      providers: [RoomsMigrator],
      exports: [TypeOrmModule],
    };
  }
}
