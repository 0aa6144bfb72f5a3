import { SYSTEM_MESSAGE_TYPES, type Message } from '@livechat/contracts';
import type { MessageEntity } from './message.entity.js';

/**
 * The wire message of docs/api.md#the-message-object, with the reference's fields for each kind: a visitor's or an
 * agent's message has `urls`, `mentions`, `channels` and `md` (a visitor's also `token`, `alias`); a
 * system message has `t` and `groupable: false`, and the ones the reference sends through its message
 * pipeline (`livechat-close`) its `md` too. Absent fields are omitted, never null.
 */
export function toMessage(e: MessageEntity): Message {
  const message: Message = { _id: e.id, rid: e.rid, msg: e.msg } as Message;
  if (e.t) {
    message.t = e.t;
    message.groupable = false;
    if (e.t === SYSTEM_MESSAGE_TYPES.roomClosed) message.transcriptRequested = false;
  }
  if (e.token) message.token = e.token;
  if (e.alias) message.alias = e.alias;
  message.ts = e.ts.toISOString();
  message.u = e.uName ? { _id: e.uId, username: e.uUsername, name: e.uName } : { _id: e.uId, username: e.uUsername };
  message._updatedAt = e.updatedAt.toISOString();
  if (e.md) {
    message.urls = e.urls ?? [];
    message.mentions = [];
    message.channels = [];
    message.md = e.md;
  }
  if (e.editedAt && e.editedById && e.editedByUsername) {
    message.editedAt = e.editedAt.toISOString();
    message.editedBy = { _id: e.editedById, username: e.editedByUsername };
  }
  return message;
}
