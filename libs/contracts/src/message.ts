import type { Room, UserRef } from './room.js';
import type { MessageEventType } from './subjects.js';

/**
 * A node of a message's markdown tree (`md`), in the format of the reference's own parser
 * (`@rocket.chat/message-parser`): `[{type: 'PARAGRAPH', value: [{type: 'PLAIN_TEXT', value: 'hi'}]}]`.
 * Kept open here: the parser's node types are its own.
 */
export type MarkdownNode = { type: string; value?: unknown } & Record<string, unknown>;

/** The system message types rooms writes (docs/api.md#the-message-object). */
export const SYSTEM_MESSAGE_TYPES = { agentJoined: 'uj', roomClosed: 'livechat-close' } as const;
export type SystemMessageType = (typeof SYSTEM_MESSAGE_TYPES)[keyof typeof SYSTEM_MESSAGE_TYPES];

/** Who wrote a message: `u` of the reference's message object. */
export interface MessageAuthor extends UserRef {
  name?: string;
}

/**
 * The message object (docs/api.md#messages), as the reference's. Visitor and agent messages carry `urls`,
 * `mentions`, `channels` and `md` (a visitor's also `token` and `alias`); system messages carry `t`
 * and `groupable: false`, as the reference writes them. Absent fields are omitted, never null.
 */
export interface Message {
  _id: string;
  rid: string;
  msg: string;
  ts: string;
  _updatedAt: string;
  u: MessageAuthor;
  t?: SystemMessageType;
  groupable?: false;
  /** livechat-close only, as the reference's (no transcript is sent here). */
  transcriptRequested?: false;
  token?: string;
  alias?: string;
  urls?: { url: string; meta: Record<string, never> }[];
  mentions?: [];
  channels?: [];
  md?: MarkdownNode[];
  editedAt?: string;
  editedBy?: UserRef;
}

/** A public message event (docs/events.md): the room as it is after the change, and the message. */
export interface MessageEvent {
  eventId: string;
  type: MessageEventType;
  occurredAt: string;
  version: 1;
  room: Room;
  message: Message;
}

// ── Commands answered by rooms ──────────────────────────────────────────────────────────────────

/** `rooms.send-message`: a visitor writes in their open room. `_id` makes a retry idempotent. */
export interface SendMessageCommand {
  token: string;
  rid: string;
  msg: string;
  _id?: string;
}

export interface MessageReply {
  message: Message;
}

/** `rooms.message-history`: a visitor's room, newest first. */
export interface MessageHistoryCommand {
  token: string;
  rid: string;
  /** ISO date: only messages strictly before it. */
  end?: string;
  limit?: number;
  offset?: number;
}

export interface MessageHistoryReply {
  messages: Message[];
}

/** `rooms.get-message`: one message of a visitor's room. */
export interface GetMessageCommand {
  token: string;
  rid: string;
  messageId: string;
}

/** `rooms.edit-message`: a visitor edits their own message in their open room. */
export interface EditMessageCommand {
  token: string;
  rid: string;
  messageId: string;
  msg: string;
}

/** `rooms.delete-message`: a visitor deletes their own message in their open room. */
export interface DeleteMessageCommand {
  token: string;
  rid: string;
  messageId: string;
}

export interface DeleteMessageReply {
  message: { _id: string; ts: string };
}

/**
 * An agent writes in a room they serve (docs/api.md#agents-sign-in `chat.sendMessage`): the service-level command the
 * agents' endpoint calls. `_id` is idempotent as a visitor's.
 */
export interface SendAgentMessageCommand {
  rid: string;
  msg: string;
  _id?: string;
  agent: MessageAuthor;
}

/**
 * `rooms.sync-messages` (docs/api.md#agents-sign-in `chat.syncMessages`): the room's messages changed strictly after
 * `lastUpdate`, for an agent who serves or served the room (else `error-not-allowed`).
 */
export interface SyncMessagesCommand {
  rid: string;
  agentId: string;
  lastUpdate: string;
}

export interface SyncMessagesReply {
  result: {
    updated: Message[];
    deleted: { _id: string; _deletedAt: string }[];
  };
}
