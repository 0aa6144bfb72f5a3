import { randomId } from '@livechat/common';
import type { RoomEvent, RoomEventType, UserRef } from '@livechat/contracts';
import type { OutboxMessage } from '@livechat/common';
import type { RoomEntity } from './room.entity.js';
import { toRoom } from './room.mapper.js';

/** An outbox message for a public room event, carrying the room as it is after the change. */
export function roomEvent(
  type: RoomEventType,
  room: RoomEntity,
  at: Date,
  extra: { agent?: UserRef | null; preferredAgentId?: string } = {},
): OutboxMessage {
  const event: RoomEvent = { eventId: randomId(), type, occurredAt: at.toISOString(), version: 1, room: toRoom(room) };
  if (extra.agent !== undefined) event.agent = extra.agent;
  if (extra.preferredAgentId) event.preferredAgentId = extra.preferredAgentId;
  return { eventId: event.eventId, subject: type, payload: event };
}
