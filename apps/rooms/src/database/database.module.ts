import { ServiceDatabaseModule } from '@livechat/common';
import { MessageEntity } from '../messages/message.entity.js';
import { RoomEntity } from '../rooms/room.entity.js';
import { VisitorEntity } from '../visitors/visitor.entity.js';
import { ROOMS_MIGRATIONS } from './migrations/index.js';

/**
 * pg advisory lock keys of the rooms service. `reservationFence` is the first key of the two-key locks
 * (`pg_advisory_xact_lock(reservationFence, hashtext(room id))`) of the reservation fence.
 */
export const ROOMS_LOCKS = { migrations: 0x524f4f4d, outbox: 0x524f4f4e, reservationFence: 0x524f4f4f } as const;

/** The rooms schema: visitors, rooms, their messages and the outbox. */
export function roomsDatabase(options: { url: string; poolSize: number }) {
  return ServiceDatabaseModule.forRoot({
    ...options,
    schema: 'rooms',
    entities: [VisitorEntity, RoomEntity, MessageEntity],
    migrations: ROOMS_MIGRATIONS,
    migrationLockKey: ROOMS_LOCKS.migrations,
    applicationName: 'livechat-rooms',
  });
}
