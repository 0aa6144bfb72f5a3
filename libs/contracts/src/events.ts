import type { Room, UserRef } from './room.js';
import type { RoomEventType } from './subjects.js';

/** A public room event (docs/events.md). `type` is the subject; the JetStream message id is `eventId`. */
export interface RoomEvent {
  eventId: string;
  type: RoomEventType;
  occurredAt: string;
  version: 1;
  room: Room;
  /** On room.assigned: the agent now serving the room, or null when the room lost its agent (deleted). */
  agent?: UserRef | null;
  /** On room.opened only: the agent the visitor asked for (`agentId`), for routing to prefer. */
  preferredAgentId?: string;
}
