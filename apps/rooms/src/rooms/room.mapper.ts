import type { Room } from '@livechat/contracts';
import type { RoomEntity } from './room.entity.js';

/** The wire room of docs/api.md#the-room-object: absent fields are omitted, never null. */
export function toRoom(e: RoomEntity): Room {
  const room: Room = {
    _id: e.id,
    fname: e.fname,
    t: 'l',
    v: { _id: e.visitorId, username: e.visitorUsername, token: e.visitorToken, status: e.visitorStatus },
    default: false,
    ro: false,
    sysMes: true,
    msgs: e.msgs,
    usersCount: e.usersCount,
    cl: false,
    ts: e.ts.toISOString(),
    _updatedAt: e.updatedAt.toISOString(),
    lm: e.lm.toISOString(),
    source: e.source,
    queuedAt: e.queuedAt.toISOString(),
  };
  if (e.visitorLastMessageTs) room.v.lastMessageTs = e.visitorLastMessageTs.toISOString();
  if (e.departmentId) room.departmentId = e.departmentId;
  if (e.waitingResponse) room.waitingResponse = true;
  if (e.responseBy) room.responseBy = e.responseBy;
  if (e.lastMessage) room.lastMessage = e.lastMessage;
  if (e.open) room.open = true;
  if (e.servedById && e.servedByUsername && e.servedByTs) {
    room.servedBy = { _id: e.servedById, username: e.servedByUsername, ts: e.servedByTs.toISOString() };
  }
  if (e.closedAt) room.closedAt = e.closedAt.toISOString();
  if (e.closer) room.closer = e.closer;
  if (e.closedById && e.closedByUsername) room.closedBy = { _id: e.closedById, username: e.closedByUsername };
  if (e.metrics) room.metrics = e.metrics;
  if (e.customFields) room.customFields = e.customFields;
  return room;
}
