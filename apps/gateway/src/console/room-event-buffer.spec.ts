import type { Message, RoomEvent } from '@livechat/contracts';
import { RoomEventBuffer } from './room-event-buffer.js';

let n = 0;

function event(type: RoomEvent['type'] | 'message.sent', rid: string, room: Partial<RoomEvent['room']> = {}): RoomEvent {
  n += 1;
  return {
    eventId: `event-${n}`,
    type: type as RoomEvent['type'],
    occurredAt: new Date(1_700_000_000_000 + n * 1_000).toISOString(),
    version: 1,
    room: {
      _id: rid,
      fname: `Visitor ${rid}`,
      t: 'l',
      v: { _id: `v-${rid}`, username: `guest-${rid}`, token: `secret-${rid}`, status: 'online' },
      open: true,
      ts: '2025-01-01T00:00:00.000Z',
      ...room,
    } as RoomEvent['room'],
  };
}

describe('RoomEventBuffer', () => {
  it('lists each room once, as its latest event left it, the most recently changed first', () => {
    const buffer = new RoomEventBuffer(10);
    buffer.add(1, event('room.opened', 'a'));
    buffer.add(2, event('room.opened', 'b'));
    buffer.add(3, event('room.assigned', 'a', { servedBy: { _id: 'ag', username: 'alice', ts: '2025-01-01T00:00:01.000Z' } }));
    const rooms = buffer.recentRooms(10);
    expect(rooms.map((r) => r._id)).toEqual(['a', 'b']);
    expect(rooms[0]).toMatchObject({ open: true, servedBy: { username: 'alice' }, lastEvent: { type: 'room.assigned' } });
    expect(rooms[1]).toMatchObject({ open: true, lastEvent: { type: 'room.opened' } });
    expect(rooms[1].servedBy).toBeUndefined();
  });

  it("leaves the visitor's token out", () => {
    const buffer = new RoomEventBuffer(10);
    buffer.add(1, event('room.opened', 'a'));
    expect(JSON.stringify(buffer.recentRooms(10))).not.toContain('secret-a');
    expect(buffer.recentRooms(10)[0].v).toEqual({ _id: 'v-a', username: 'guest-a' });
  });

  it("follows message events: the room's last message, who wrote it, and whether the visitor waits, without the token", () => {
    const buffer = new RoomEventBuffer(10);
    buffer.add(1, event('room.opened', 'a', { msgs: 0, waitingResponse: true }));
    const message = {
      _id: 'm1', rid: 'a', msg: 'Where is my order?', token: 'secret-a', alias: 'Mary', ts: '2025-01-01T00:00:05.000Z',
      u: { _id: 'v-a', username: 'guest-a', name: 'Mary' }, _updatedAt: '2025-01-01T00:00:05.000Z',
    } satisfies Message;
    buffer.add(2, event('message.sent', 'a', { msgs: 1, waitingResponse: true, lastMessage: message }));
    const [room] = buffer.recentRooms(10);
    expect(room).toMatchObject({
      msgs: 1, waitingResponse: true, lastEvent: { type: 'message.sent' },
      lastMessage: { msg: 'Where is my order?', ts: '2025-01-01T00:00:05.000Z', from: 'visitor', username: 'guest-a' },
    });
    expect(JSON.stringify(room)).not.toContain('secret-a');
    const reply = { ...message, _id: 'm2', msg: 'On its way', token: undefined, alias: undefined, u: { _id: 'ag', username: 'alice' } };
    buffer.add(3, event('message.sent', 'a', { msgs: 2, lastMessage: reply }));
    expect(buffer.recentRooms(10)[0]).toMatchObject({ waitingResponse: false, lastMessage: { from: 'agent', username: 'alice', msg: 'On its way' } });
  });

  it('keeps only the last `capacity` events', () => {
    const buffer = new RoomEventBuffer(3);
    for (let seq = 1; seq <= 5; seq += 1) buffer.add(seq, event('room.opened', `r${seq}`));
    expect(buffer.size).toBe(3);
    expect(buffer.recentRooms(10).map((r) => r._id)).toEqual(['r5', 'r4', 'r3']);
    expect(buffer.recentRooms(2).map((r) => r._id)).toEqual(['r5', 'r4']);
  });

  it('ignores a redelivered event, an older sequence and what is not a room event', () => {
    const buffer = new RoomEventBuffer(10);
    const opened = event('room.opened', 'a');
    expect(buffer.add(1, opened)).toBe(true);
    expect(buffer.add(2, opened)).toBe(false); // same eventId stored twice on the stream
    expect(buffer.add(1, event('room.closed', 'a'))).toBe(false);
    expect(buffer.add(3, { eventId: 'x', type: 'routing.agent-selected', room: { _id: 'a' } })).toBe(false);
    expect(buffer.add(4, null)).toBe(false);
    expect(buffer.size).toBe(1);
    expect(buffer.recentRooms(10)[0].lastEvent.type).toBe('room.opened');
  });

  it('forgets an evicted event id, and everything on clear', () => {
    const buffer = new RoomEventBuffer(1);
    const first = event('room.opened', 'a');
    buffer.add(1, first);
    buffer.add(2, event('room.opened', 'b'));
    expect(buffer.add(3, first)).toBe(true);
    buffer.clear();
    expect(buffer.size).toBe(0);
    expect(buffer.lastSeq).toBe(0);
    expect(buffer.recentRooms(10)).toEqual([]);
  });
});
