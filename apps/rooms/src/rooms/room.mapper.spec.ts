import { RoomEntity } from './room.entity.js';
import { toRoom } from './room.mapper.js';

function entity(overrides: Partial<RoomEntity> = {}): RoomEntity {
  const at = new Date('2026-01-02T03:04:05.678Z');
  return Object.assign(new RoomEntity(), {
    id: 'room1', visitorId: 'visitor1', visitorUsername: 'guest-1', visitorToken: 'tok', visitorStatus: 'online',
    fname: 'Mary', departmentId: null, open: true, msgs: 0, usersCount: 1, source: { type: 'api' },
    ts: at, updatedAt: at, lm: at, queuedAt: at, servedById: null, servedByUsername: null, servedByTs: null,
    assignmentVersion: 0, closedAt: null, closer: null, closedById: null, closedByUsername: null, metrics: null,
    customFields: null, lastMessage: null, visitorLastMessageTs: null, waitingResponse: true, responseBy: null, ...overrides,
  });
}

describe('toRoom', () => {
  it('answers an open room with the documented fields and omits absent ones rather than sending null', () => {
    const room = toRoom(entity());
    expect(room).toEqual({
      _id: 'room1', fname: 'Mary', t: 'l', v: { _id: 'visitor1', username: 'guest-1', token: 'tok', status: 'online' },
      default: false, ro: false, sysMes: true, open: true, msgs: 0, usersCount: 1, cl: false, ts: '2026-01-02T03:04:05.678Z', _updatedAt: '2026-01-02T03:04:05.678Z',
      lm: '2026-01-02T03:04:05.678Z', waitingResponse: true, source: { type: 'api' }, queuedAt: '2026-01-02T03:04:05.678Z',
    });
    expect(JSON.stringify(room)).not.toContain('null');
  });

  it("answers the conversation's fields: v.lastMessageTs, lastMessage, responseBy; waitingResponse only while waiting", () => {
    const at = '2026-01-02T03:05:00.000Z';
    const lastMessage = { _id: 'm1', rid: 'room1', msg: 'hi', ts: at, _updatedAt: at, u: { _id: 'agent1', username: 'alice' } };
    const responseBy = { _id: 'agent1', username: 'alice', firstResponseTs: at, lastMessageTs: at };
    const room = toRoom(entity({ visitorLastMessageTs: new Date(at), lastMessage, waitingResponse: false, responseBy }));
    expect(room).not.toHaveProperty('waitingResponse');
    expect(room).toMatchObject({ v: { lastMessageTs: at }, lastMessage, responseBy });
  });

  it('answers a served, closed room without open and with servedBy, closedBy and metrics', () => {
    const closedAt = new Date('2026-01-02T03:14:05.678Z');
    const room = toRoom(entity({
      open: false, departmentId: 'dep1', servedById: 'agent1', servedByUsername: 'alice', servedByTs: closedAt,
      closedAt, closer: 'visitor', closedById: 'visitor1', closedByUsername: 'guest-1', metrics: { chatDuration: 600 },
    }));
    expect(room).not.toHaveProperty('open');
    expect(room).toMatchObject({
      departmentId: 'dep1', servedBy: { _id: 'agent1', username: 'alice', ts: '2026-01-02T03:14:05.678Z' },
      closedAt: '2026-01-02T03:14:05.678Z', closer: 'visitor', closedBy: { _id: 'visitor1', username: 'guest-1' },
      metrics: { chatDuration: 600 },
    });
  });
});
