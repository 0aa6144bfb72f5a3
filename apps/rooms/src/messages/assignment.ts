import { MESSAGE_EVENTS, ROOM_EVENTS, type UserRef } from '@livechat/contracts';
import type { OutboxMessage } from '@livechat/common';
import { roomEvent } from '../rooms/room-event.js';
import type { RoomEntity } from '../rooms/room.entity.js';
import { agentJoinedMessage } from './conversation.js';
import type { MessageEntity } from './message.entity.js';
import { messageEvent } from './message-event.js';

/**
 * What an assignment writes besides the room's own fields (`servedBy`, `usersCount`), wherever it
 * happens — a decision of routing applied later, or a room inserted already served:
 * - an agent: the `uj` system message (the agent joined; at the room's `_updatedAt`, the assignment's
 *   instant), and the events `room.assigned` (with `agent`) and `message.sent` (the `uj`);
 * - no agent (their agent was deleted; the room is back in the queue): `room.assigned` with
 *   `agent: null`, no message.
 * `room` is the room as it is after the assignment; `decidedAt` is when it was decided (the events'
 * `occurredAt`, also `servedBy.ts`). The caller writes `messages` (MessagesRepository.insert, or its
 * `rows()` inside a statement of its own) and `events` (the outbox) in the assignment's transaction.
 */
export function assignmentWrites(room: RoomEntity, agent: UserRef | null, decidedAt: Date): { messages: MessageEntity[]; events: OutboxMessage[] } {
  if (!agent) return { messages: [], events: [roomEvent(ROOM_EVENTS.assigned, room, decidedAt, { agent: null })] };
  const joined = agentJoinedMessage(room.id, agent, room.updatedAt);
  return {
    messages: [joined],
    events: [roomEvent(ROOM_EVENTS.assigned, room, decidedAt, { agent: { _id: agent._id, username: agent.username } }), messageEvent(MESSAGE_EVENTS.sent, room, joined, decidedAt)],
  };
}
