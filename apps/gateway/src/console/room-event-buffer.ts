import { MESSAGE_EVENTS, ROOM_EVENTS, type MessageEventType, type Room, type RoomEvent, type RoomEventType } from '@livechat/contracts';

/** How many room events one gateway replica keeps in memory for the operator console. */
export const ROOM_EVENT_BUFFER_CAPACITY = 100;

/** The events the console follows: every event of the LIVECHAT stream carries its room as it is after the change. */
export type ConsoleEventType = RoomEventType | MessageEventType;

/** A room's last visitor or agent message as the console shows it: who wrote it, and the text. */
export interface RecentMessage {
  msg: string;
  ts: string;
  from: 'visitor' | 'agent';
  username: string;
}

/**
 * A room as the console lists it: its state after its latest buffered event. The visitor's token
 * (their credential) is left out; the console has no use for it.
 */
export interface RecentRoom {
  _id: string;
  fname: string;
  v: { _id: string; username: string };
  departmentId?: string;
  open: boolean;
  servedBy?: { _id: string; username: string; ts: string };
  ts: string;
  closedAt?: string;
  msgs: number;
  /** Whether the visitor waits for an agent's reply (the room's `waitingResponse`). */
  waitingResponse: boolean;
  lastMessage?: RecentMessage;
  lastEvent: { type: ConsoleEventType; occurredAt: string };
}

/** An event as the buffer reads it: a room event or a message event (their common part). */
type ConsoleEvent = Pick<RoomEvent, 'eventId' | 'occurredAt'> & { type: ConsoleEventType; room: Room };

interface BufferedEvent {
  seq: number;
  eventId: string;
  room: RecentRoom;
}

const EVENT_TYPES = new Set<string>([...Object.values(ROOM_EVENTS), ...Object.values(MESSAGE_EVENTS)]);

/**
 * The last `capacity` room events of the `LIVECHAT` stream, in stream order, in a fixed-size ring.
 * In memory, per gateway replica: it is refilled from the stream at start-up, never from the
 * database. Delivery is at least once, so an event already held (same `eventId`) or older than the
 * last one seen (stream sequence) is ignored.
 */
export class RoomEventBuffer {
  private readonly ring: (BufferedEvent | undefined)[];
  private readonly held = new Set<string>();
  private next = 0;
  private count = 0;
  /** Stream sequence of the newest event taken; 0 before the first. */
  lastSeq = 0;

  constructor(readonly capacity = ROOM_EVENT_BUFFER_CAPACITY) {
    this.ring = new Array<BufferedEvent | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Takes the event stored at stream sequence `seq`; false when it is a duplicate, stale, or carries no room. */
  add(seq: number, event: unknown): boolean {
    if (seq <= this.lastSeq || !isRoomEvent(event) || this.held.has(event.eventId)) return false;
    this.lastSeq = seq;
    const evicted = this.ring[this.next];
    if (evicted) this.held.delete(evicted.eventId);
    this.ring[this.next] = { seq, eventId: event.eventId, room: toRecentRoom(event) };
    this.held.add(event.eventId);
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    return true;
  }

  /** Forgets everything (the stream was recreated: its sequences started again). */
  clear(): void {
    this.ring.fill(undefined);
    this.held.clear();
    this.next = 0;
    this.count = 0;
    this.lastSeq = 0;
  }

  /** Up to `limit` rooms, the most recently changed first, each as its latest buffered event left it. */
  recentRooms(limit: number): RecentRoom[] {
    const rooms: RecentRoom[] = [];
    const seen = new Set<string>();
    for (let i = 1; i <= this.count && rooms.length < limit; i += 1) {
      const entry = this.ring[(this.next - i + this.capacity) % this.capacity]!;
      if (seen.has(entry.room._id)) continue;
      seen.add(entry.room._id);
      rooms.push(entry.room);
    }
    return rooms;
  }
}

function isRoomEvent(value: unknown): value is ConsoleEvent {
  const e = value as Partial<ConsoleEvent> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.eventId === 'string' &&
    typeof e.type === 'string' &&
    EVENT_TYPES.has(e.type) &&
    typeof e.occurredAt === 'string' &&
    typeof e.room === 'object' &&
    e.room !== null &&
    typeof e.room._id === 'string'
  );
}

function toRecentRoom(event: ConsoleEvent): RecentRoom {
  const { room } = event;
  const recent: RecentRoom = {
    _id: room._id,
    fname: String(room.fname ?? ''),
    v: { _id: String(room.v?._id ?? ''), username: String(room.v?.username ?? '') },
    open: room.open === true,
    ts: room.ts,
    msgs: typeof room.msgs === 'number' ? room.msgs : 0,
    waitingResponse: room.waitingResponse === true,
    lastEvent: { type: event.type, occurredAt: event.occurredAt },
  };
  if (room.departmentId) recent.departmentId = room.departmentId;
  if (room.servedBy) recent.servedBy = { _id: room.servedBy._id, username: room.servedBy.username, ts: room.servedBy.ts };
  if (room.closedAt) recent.closedAt = room.closedAt;
  const last = room.lastMessage;
  if (last && typeof last.msg === 'string') {
    // A visitor's message carries their token: only who wrote it is kept.
    recent.lastMessage = { msg: last.msg, ts: last.ts, from: last.token ? 'visitor' : 'agent', username: String(last.u?.username ?? '') };
  }
  return recent;
}
