import { randomId, type OutboxMessage } from '@livechat/common';
import { ROUTING_EVENTS, type AgentSelectedEvent, type UserRef } from '@livechat/contracts';

/** The outbox message that tells rooms a room's assignment (agent null: back in the queue). */
export function agentSelected(roomId: string, agent: UserRef | null, departmentId: string | null, version: number, at: Date): OutboxMessage {
  const event: AgentSelectedEvent = { eventId: randomId(), roomId, agent, version, occurredAt: at.toISOString() };
  if (departmentId) event.departmentId = departmentId;
  return { eventId: event.eventId, subject: ROUTING_EVENTS.agentSelected, payload: event };
}
