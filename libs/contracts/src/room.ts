import type { Message, MessageAuthor } from './message.js';

/** The livechat room object (docs/api.md#the-room-object), as the HTTP API answers it and as events carry it. */
export interface RoomSource {
  type: 'widget' | 'api';
  destination?: string;
}

export interface UserRef {
  _id: string;
  username: string;
}

/**
 * The room's conversation metrics (docs/api.md#what-messages-do-to-the-room), as the reference keeps them: dates ISO, times in
 * seconds. `v.lq`: the visitor's last query (first message since the agent's last reply);
 * `servedBy.lr`: the agent's last reply to it; `response`: time from a query to its reply
 * (`fd`/`ft` the first one, `total` replies, `tt` their sum, `avg`); `reaction`: the first reply's
 * time from the agent's assignment (`fd`/`ft`), and `tt` the sum of reaction times.
 */
export interface RoomMetrics {
  v?: { lq: string };
  servedBy?: { lr: string };
  response?: { fd?: string; ft?: number; avg: number; total: number; tt: number };
  reaction?: { fd?: string; ft?: number; tt: number };
  chatDuration?: number;
  serviceTimeDuration?: number;
}

/** The agent whose reply answered the visitor's last query (reference: `responseBy`). */
export interface ResponseBy extends UserRef {
  firstResponseTs: string;
  lastMessageTs: string;
}

export interface Room {
  _id: string;
  fname: string;
  t: 'l';
  v: { _id: string; username: string; token: string; status: string; lastMessageTs?: string };
  departmentId?: string;
  /** The reference's constant flags of a livechat room. */
  default: false;
  ro: false;
  sysMes: true;
  open?: true;
  msgs: number;
  usersCount: number;
  cl: false;
  ts: string;
  _updatedAt: string;
  lm: string;
  /** Present (true) while the visitor waits for an agent's reply; absent once answered. */
  waitingResponse?: true;
  responseBy?: ResponseBy;
  lastMessage?: Message;
  source: RoomSource;
  queuedAt: string;
  servedBy?: UserRef & { ts: string };
  closedAt?: string;
  closer?: 'visitor' | 'user';
  closedBy?: UserRef;
  metrics?: RoomMetrics;
  customFields?: Record<string, string>;
}

/** `rooms.get-or-open`: the visitor's room by `rid`, their open room, or a new one. */
export interface GetOrOpenRoomCommand {
  token: string;
  rid?: string;
  agentId?: string;
  source: RoomSource;
}

export interface GetOrOpenRoomReply {
  room: Room;
  newRoom: boolean;
}

/** `rooms.close`: the visitor closes their room. */
export interface CloseRoomCommand {
  rid: string;
  token: string;
}

export interface CloseRoomReply {
  rid: string;
  comment: string;
}

/** `rooms.close-by-agent`: the serving agent closes the room (docs/api.md#agents-sign-in `room.closeByUser`). */
export interface CloseRoomByAgentCommand {
  rid: string;
  agent: MessageAuthor;
  comment?: string;
}

/**
 * `rooms.list-rooms` (docs/api.md#agents-sign-in `livechat/rooms`): rooms newest first. `servedBy`: only rooms these
 * agents serve or served; `open`: only open (true) or closed (false) rooms.
 */
export interface ListRoomsCommand {
  servedBy?: string[];
  open?: boolean;
  count: number;
  offset: number;
}

export interface ListRoomsReply {
  rooms: Room[];
  /** Rooms in this answer. */
  count: number;
  offset: number;
  /** Rooms that match, in all. */
  total: number;
}

/** `rooms.serving-agent` (docs/api.md#widget-bootstrap `livechat/agent.info`): the serving agent of the visitor's room. */
export interface ServingAgentCommand {
  rid: string;
  token: string;
}

export interface ServingAgentReply {
  agentId: string;
}

/**
 * `rooms.fence-reservations` (routing's reservation sweeper asks): what became of room ids routing
 * reserved capacity for, once their deadlines passed. Answered under the fence: after the answer, no
 * insert of those rooms served can happen any more.
 */
export interface FenceReservationsCommand {
  reservations: { roomId: string; deadline: string }[];
}

export interface FenceReservationsReply {
  /**
   * Per room id: `absent` (never inserted, and now never inserted served), `present` (the room as it
   * is, open or closed), or `pending` (the deadline has not passed on the database's clock yet).
   */
  outcomes: ({ roomId: string; state: 'absent' | 'pending' } | { roomId: string; state: 'present'; room: Room })[];
}
