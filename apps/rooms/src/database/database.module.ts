import { ServiceDatabaseModule } from '@livechat/common';
import { MessageEntity } from '../messages/message.entity.js';
import { RoomEntity } from '../rooms/room.entity.js';
import { VisitorEntity } from '../visitors/visitor.entity.js';
import { ROOMS_MIGRATIONS } from './migrations/index.js';
import { ROOMS_LOCKS } from './rooms-locks.js';

/** The entities of the rooms schema. */
export const ROOMS_ENTITIES = [VisitorEntity, RoomEntity, MessageEntity];

/** The rooms schema: visitors, rooms, their messages and the outbox. */
export function roomsDatabase(options: { url: string; poolSize: number }) {
  return ServiceDatabaseModule.forRoot({
    ...options,
    schema: 'rooms',
    entities: ROOMS_ENTITIES,
    migrations: ROOMS_MIGRATIONS,
    migrationLockKey: ROOMS_LOCKS.migrations,
    applicationName: 'livechat-rooms',
  });
}
