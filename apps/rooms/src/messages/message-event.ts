import { randomId, type OutboxMessage } from '@livechat/common';
import type { MessageEvent, MessageEventType } from '@livechat/contracts';
import type { RoomEntity } from '../rooms/room.entity.js';
import { toRoom } from '../rooms/room.mapper.js';
import type { MessageEntity } from './message.entity.js';
import { toMessage } from './message.mapper.js';

/** An outbox message for a public message event: the room as it is after the change, and the message. */
export function messageEvent(type: MessageEventType, room: RoomEntity, message: MessageEntity, at: Date): OutboxMessage {
  const event: MessageEvent = { eventId: randomId(), type, occurredAt: at.toISOString(), version: 1, room: toRoom(room), message: toMessage(message) };
  return { eventId: event.eventId, subject: type, payload: event };
}
