import { randomId, type OutboxMessage } from '@livechat/common';
import { ROUTING_EVENTS, type RoutingDecision, type UserRef } from '@livechat/contracts';

/** The decision that tells rooms the agent now serving a room. */
export function assignDecision(roomId: string, agent: UserRef, departmentId: string | null, version: number, at: Date): OutboxMessage {
  return decision(roomId, agent, departmentId, version, at);
}

/** The decision that tells rooms a room went back to the queue (its agent was deleted): rooms clears its servedBy. */
export function requeueDecision(roomId: string, departmentId: string | null, version: number, at: Date): OutboxMessage {
  return decision(roomId, null, departmentId, version, at);
}

function decision(roomId: string, agent: UserRef | null, departmentId: string | null, version: number, at: Date): OutboxMessage {
  const event: RoutingDecision = { eventId: randomId(), roomId, agent, version, occurredAt: at.toISOString() };
  if (departmentId) event.departmentId = departmentId;
  return { eventId: event.eventId, subject: ROUTING_EVENTS.decision, payload: event };
}
