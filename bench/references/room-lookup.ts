/**
 * What the references do for `GET /api/v1/livechat/room?token=…`: the same indexed lookup the
 * product makes (the open room by the visitor's token, index `rooms_open_by_token`) and the same JSON (docs/api.md#the-room-object, absent fields omitted). Written by hand, without Nest or
 * TypeORM, as a floor for the product's hot path.
 */
import type pg from 'pg';

/** The subject of reference (b)'s request. */
export const REFERENCE_SUBJECT = 'bench.reference.room';

export const ROOM_BY_TOKEN = {
  name: 'room-by-token',
  text: `SELECT * FROM rooms.rooms WHERE visitor_token = $1 AND open`,
};

export interface RoomReply {
  status: number;
  body: string;
}

export async function lookUpRoom(pool: pg.Pool, token: unknown): Promise<RoomReply> {
  if (typeof token !== 'string' || token === '') return error('invalid-token');
  const { rows } = await pool.query({ ...ROOM_BY_TOKEN, values: [token] });
  if (rows.length === 0) return error('invalid-token');
  return { status: 200, body: JSON.stringify({ room: wireRoom(rows[0]), newRoom: false, success: true }) };
}

function error(code: string): RoomReply {
  return { status: 400, body: JSON.stringify({ success: false, error: code }) };
}

function wireRoom(r: Record<string, any>): Record<string, unknown> {
  const room: Record<string, unknown> = {
    _id: r.id,
    fname: r.fname,
    t: 'l',
    v: {
      _id: r.visitor_id, username: r.visitor_username, token: r.visitor_token, status: r.visitor_status,
      ...(r.visitor_last_message_ts ? { lastMessageTs: r.visitor_last_message_ts.toISOString() } : {}),
    },
    default: false,
    ro: false,
    sysMes: true,
    msgs: r.msgs,
    usersCount: r.users_count,
    cl: false,
    ts: r.ts.toISOString(),
    _updatedAt: r.updated_at.toISOString(),
    lm: r.lm.toISOString(),
    source: r.source,
    queuedAt: r.queued_at.toISOString(),
  };
  if (r.department_id) room.departmentId = r.department_id;
  if (r.waiting_response) room.waitingResponse = true;
  if (r.response_by) room.responseBy = r.response_by;
  if (r.last_message) room.lastMessage = r.last_message;
  room.open = true;
  if (r.served_by_id) room.servedBy = { _id: r.served_by_id, username: r.served_by_username, ts: r.served_by_ts.toISOString() };
  if (r.metrics) room.metrics = r.metrics;
  if (r.custom_fields) room.customFields = r.custom_fields;
  return room;
}
