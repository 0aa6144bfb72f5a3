import { RoomEntity } from '../rooms/room.entity.js';
import { assignmentWrites } from './assignment.js';

function servedRoom(agent: { _id: string; username: string } | null): RoomEntity {
  const at = new Date('2026-01-01T10:00:00.000Z');
  const decided = new Date('2026-01-01T10:00:05.000Z');
  return Object.assign(new RoomEntity(), {
    id: 'room1', visitorId: 'v1', visitorUsername: 'guest-1', visitorToken: 'tok', visitorStatus: 'online', fname: 'Mary',
    departmentId: null, open: true, msgs: 2, usersCount: agent ? 2 : 1, source: { type: 'api' }, ts: at, updatedAt: decided, lm: at,
    queuedAt: at, servedById: agent?._id ?? null, servedByUsername: agent?.username ?? null, servedByTs: agent ? decided : null,
    assignmentVersion: 1, closedAt: null, closer: null, closedById: null, closedByUsername: null, metrics: null, customFields: null,
    lastMessage: null, visitorLastMessageTs: null, waitingResponse: true, responseBy: null,
  } satisfies RoomEntity);
}

describe('assignmentWrites: what an assignment writes to the conversation, wherever it happens', () => {
  const decidedAt = new Date('2026-01-01T10:00:05.000Z');

  it('an agent: the uj message at the assignment, then room.assigned and message.sent with the room as it is', () => {
    const agent = { _id: 'agent1', username: 'alice' };
    const room = servedRoom(agent);
    const { messages, events } = assignmentWrites(room, agent, decidedAt);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ rid: 'room1', t: 'uj', msg: '', uId: 'agent1', uUsername: 'alice', ts: room.updatedAt, md: null });
    expect(events.map((e) => e.subject)).toEqual(['room.assigned', 'message.sent']);
    const [assigned, sent] = events.map((e) => e.payload as Record<string, any>);
    expect(assigned).toMatchObject({ agent, occurredAt: decidedAt.toISOString(), room: { servedBy: { _id: 'agent1' }, usersCount: 2, msgs: 2 } });
    expect(sent).toMatchObject({ occurredAt: decidedAt.toISOString(), message: { _id: messages[0].id, t: 'uj', u: agent }, room: { _id: 'room1', msgs: 2 } });
  });

  it('no agent (deleted): room.assigned with agent null, and no message', () => {
    const { messages, events } = assignmentWrites(servedRoom(null), null, decidedAt);
    expect(messages).toEqual([]);
    expect(events.map((e) => [e.subject, (e.payload as { agent: unknown }).agent])).toEqual([['room.assigned', null]]);
  });
});
