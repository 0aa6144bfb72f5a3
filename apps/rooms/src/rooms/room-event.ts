import { randomId } from '@livechat/common';
import type { RoomEvent, RoomEventType, UserRef } from '@livechat/contracts';
import type { OutboxMessage } from '@livechat/common';
import type { RoomEntity } from './room.entity.js';
import { toRoom } from './room.mapper.js';

/** An outbox message for a public room event, carrying the room as it is after the change. */
export function roomEvent(type: RoomEventType, room: RoomEntity, at: Date, agent?: UserRef): OutboxMessage {
  const event: RoomEvent = { eventId: randomId(), type, occurredAt: at.toISOString(), version: 1, room: toRoom(room) };
  if (agent) event.agent = agent;
  return { eventId: event.eventId, subject: type, payload: event };
}
