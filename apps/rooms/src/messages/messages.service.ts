import { Inject, Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  ERRORS,
  LIMITS,
  MESSAGE_EVENTS,
  type DeleteMessageCommand,
  type DeleteMessageReply,
  type DomainError,
  type EditMessageCommand,
  type Message,
  type GetMessageCommand,
  type MessageHistoryCommand,
  type MessageHistoryReply,
  type MessageReply,
  type SendAgentMessageCommand,
  type SendMessageCommand,
  type SyncMessagesCommand,
  type SyncMessagesReply,
} from '@livechat/contracts';
import { CLOCK, Outbox, type Clock } from '@livechat/common';
import type { EntityManager } from 'typeorm';
import type { RoomEntity } from '../rooms/room.entity.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import { VisitorsRepository } from '../visitors/visitors.repository.js';
import { afterDelete, afterEdit, afterNewMessage, agentMessage, editedMessage, nextInstant, visitorMessage, type Writer } from './conversation.js';
import { MarkdownParser } from './markdown/markdown.parser.js';
import type { MessageEntity } from './message.entity.js';
import { messageEvent } from './message-event.js';
import { toMessage } from './message.mapper.js';
import { MessagesRepository } from './messages.repository.js';

/** docs/api.md#messages: the default page of a history, and the most a page holds. */
export const HISTORY_PAGE = { default: 20, max: 100 } as const;

/**
 * The most one `chat.syncMessages` answer holds: changes, and bytes of messages (a reply travels as
 * one NATS message, 1 MB at most by default). Past either, the answer holds the oldest changes; the
 * client asks again after the newest `_updatedAt` (or `_deletedAt`) it got.
 */
export const SYNC_PAGE = { max: 100, bytes: 512 * 1024 } as const;

/**
 * A room's conversation (docs/api.md#messages): visitors' messages through the five visitor commands, agents'
 * through `sendAsAgent` (the agents' endpoint, docs/api.md#agents-sign-in, calls it). Every write is one transaction
 * that takes the room's row lock, then writes the message, every room field it drives and its event
 * in one statement; the markdown tree is made before, outside the lock.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly rooms: RoomsRepository,
    private readonly visitors: VisitorsRepository,
    private readonly outbox: Outbox,
    private readonly markdown: MarkdownParser,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A visitor writes in their open room. A retry with the same `_id` answers the stored message and changes nothing. */
  async send(cmd: SendMessageCommand): Promise<MessageReply> {
    const md = await this.markdown.parse(checkedText(cmd.msg));
    const stored = await this.outbox.transaction(async (manager) => {
      const locked = await this.messages.lockVisitorRoom(manager, cmd.rid, cmd.token);
      if (!locked) return null;
      const message = visitorMessage(locked.room, locked.visitorName, { id: cmd._id, msg: cmd.msg, md }, nextInstant(locked.room, this.clock.now()));
      return this.store(manager, locked.room, message, 'visitor', { clientId: !!cmd._id, closed: ERRORS.roomClosed });
    });
    if (!stored) throw await this.notTheirRoom(cmd.token);
    return { message: toMessage(stored.message) };
  }

  /**
   * An agent writes in an open room they serve (anything else: `error-not-allowed`); the room fields
   * follow the reference's rules for an agent's reply. A retry with the same `_id` is idempotent.
   */
  async sendAsAgent(cmd: SendAgentMessageCommand): Promise<MessageReply> {
    const md = await this.markdown.parse(checkedText(cmd.msg));
    const stored = await this.outbox.transaction(async (manager) => {
      const room = await this.rooms.findForUpdate(manager, cmd.rid);
      if (!room || room.servedById !== cmd.agent._id) throw new RpcException(ERRORS.notAllowed);
      const message = agentMessage(room.id, cmd.agent, { id: cmd._id, msg: cmd.msg, md }, nextInstant(room, this.clock.now()));
      return this.store(manager, room, message, 'agent', { clientId: !!cmd._id, closed: ERRORS.notAllowed });
    });
    return { message: toMessage(stored.message) };
  }

  /** The visitor's room (open or closed), newest first, paged by date and offset. */
  async history(cmd: MessageHistoryCommand): Promise<MessageHistoryReply> {
    const page = {
      end: cmd.end ? new Date(cmd.end) : null,
      limit: Math.min(cmd.limit ?? HISTORY_PAGE.default, HISTORY_PAGE.max),
      offset: cmd.offset ?? 0,
    };
    const found = await this.messages.history(cmd.rid, cmd.token, page);
    if (!found.room) throw await this.notTheirRoom(cmd.token);
    return { messages: found.messages.map(toMessage) };
  }

  /**
   * docs/api.md#agents-sign-in `chat.syncMessages`: the messages of a room the agent serves or served that changed
   * strictly after `lastUpdate` (`updated`, newest first, as the reference), and the ones deleted
   * since (`deleted`); else `error-not-allowed`. Bounded by SYNC_PAGE, oldest changes first.
   */
  async sync(cmd: SyncMessagesCommand): Promise<SyncMessagesReply> {
    const found = await this.messages.changedSince(cmd.rid, cmd.agentId, new Date(cmd.lastUpdate), SYNC_PAGE.max);
    if (!found.room) throw new RpcException(ERRORS.notAllowed);
    const updated: Message[] = [];
    const deleted: { _id: string; _deletedAt: string }[] = [];
    let bytes = 0;
    for (const m of found.messages) {
      if (m.deletedAt) {
        deleted.push({ _id: m.id, _deletedAt: m.deletedAt.toISOString() });
        continue;
      }
      const message = toMessage(m);
      bytes += Buffer.byteLength(JSON.stringify(message));
      if (bytes > SYNC_PAGE.bytes && updated.length > 0) break;
      updated.push(message);
    }
    updated.sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0));
    return { result: { updated, deleted } };
  }

  async get(cmd: GetMessageCommand): Promise<MessageReply> {
    const found = await this.messages.findInVisitorRoom(cmd.rid, cmd.token, cmd.messageId);
    if (!found.room) throw await this.notTheirRoom(cmd.token);
    if (!found.message) throw new RpcException(ERRORS.invalidMessage);
    return { message: toMessage(found.message) };
  }

  /** A visitor edits one of their own messages in their open room. */
  async edit(cmd: EditMessageCommand): Promise<MessageReply> {
    const md = await this.markdown.parse(checkedText(cmd.msg));
    const edited = await this.outbox.transaction(async (manager) => {
      const own = await this.ownMessage(manager, cmd);
      if (!own) return null;
      const { room, message } = own;
      const next = editedMessage(message, { _id: room.visitorId, username: room.visitorUsername }, { msg: cmd.msg, md }, nextInstant(room, this.clock.now()));
      const changes = afterEdit(room, next);
      const event = messageEvent(MESSAGE_EVENTS.sent, { ...room, ...changes }, next, next.updatedAt);
      await this.messages.updateWithRoomChanges(manager, next, changes, this.outbox.rows([event]));
      return next;
    });
    if (!edited) throw await this.notTheirRoom(cmd.token);
    return { message: toMessage(edited) };
  }

  /** A visitor deletes one of their own messages in their open room: it leaves the history, `msgs` drops by one. */
  async delete(cmd: DeleteMessageCommand): Promise<DeleteMessageReply> {
    const deletedAt = await this.outbox.transaction(async (manager) => {
      const own = await this.ownMessage(manager, cmd);
      if (!own) return null;
      const { room, message } = own;
      const at = nextInstant(room, this.clock.now());
      const newestLeft = room.lastMessage?._id === message.id ? await this.messages.newestVisible(manager, room.id, message.id) : null;
      const changes = afterDelete(room, message.id, newestLeft, at);
      const event = messageEvent(MESSAGE_EVENTS.deleted, { ...room, ...changes }, message, at);
      await this.messages.deleteWithRoomChanges(manager, message, at, changes, this.outbox.rows([event]));
      return at;
    });
    if (!deletedAt) throw await this.notTheirRoom(cmd.token);
    return { message: { _id: cmd.messageId, ts: deletedAt.toISOString() } };
  }

  /**
   * Writes a new message with the room's changes and its message.sent, unless its id is taken: then
   * the stored message is answered when it is the same sender's in the same room (a retry), else
   * `invalid-message-id`. A closed room takes no new message (`closed`).
   */
  private async store(
    manager: EntityManager,
    room: RoomEntity,
    message: MessageEntity,
    writer: Writer,
    options: { clientId: boolean; closed: DomainError },
  ): Promise<{ message: MessageEntity; inserted: boolean }> {
    if (room.open) {
      const changes = afterNewMessage(room, message, writer);
      const event = messageEvent(MESSAGE_EVENTS.sent, { ...room, ...changes }, message, message.ts);
      if (await this.messages.insertWithRoomChanges(manager, message, changes, this.outbox.rows([event]))) {
        return { message, inserted: true };
      }
    }
    if (options.clientId) {
      const existing = await this.messages.findById(manager, message.id);
      if (existing) {
        const retry = existing.rid === message.rid && existing.uId === message.uId && !existing.t && !existing.deletedAt;
        if (retry) return { message: existing, inserted: false };
        throw new RpcException(ERRORS.invalidMessageId);
      }
    }
    throw new RpcException(options.closed);
  }

  /** The visitor's open room, locked, and their own message in it; `null` when the room is not theirs; else `invalid-message`. */
  private async ownMessage(manager: EntityManager, cmd: { token: string; rid: string; messageId: string }): Promise<{ room: RoomEntity; message: MessageEntity } | null> {
    const locked = await this.messages.lockVisitorRoom(manager, cmd.rid, cmd.token);
    if (!locked) return null;
    const message = await this.messages.findById(manager, cmd.messageId);
    const own = message && message.rid === locked.room.id && !message.t && !message.deletedAt && message.uId === locked.room.visitorId && message.token;
    if (!own || !locked.room.open) throw new RpcException(ERRORS.invalidMessage);
    return { room: locked.room, message };
  }

  /** Why a visitor may not use this room: an unknown token, else a room that is not theirs. */
  private async notTheirRoom(token: string): Promise<RpcException> {
    return new RpcException((await this.visitors.findByToken(token)) ? ERRORS.invalidRoom : ERRORS.invalidToken);
  }
}

/** A message's text as docs/api.md#conventions bounds it: not blank, at most LIMITS.message characters. */
function checkedText(msg: string): string {
  if (msg.trim() === '') throw new RpcException(ERRORS.emptyMessage);
  if ([...msg].length > LIMITS.message) throw new RpcException(ERRORS.messageLengthExceedsCharacterLimit);
  return msg;
}
