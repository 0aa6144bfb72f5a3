import { SYSTEM_MESSAGE_TYPES, type MarkdownNode, type Message, type MessageAuthor, type RoomMetrics, type UserRef } from '@livechat/contracts';
import { randomId } from '@livechat/common';
import type { RoomEntity } from '../rooms/room.entity.js';
import { MessageEntity } from './message.entity.js';
import { toMessage } from './message.mapper.js';

/**
 * The rules of a room's conversation (docs/api.md#what-messages-do-to-the-room): the messages each writer makes, and what each
 * message does to the room. Pure functions of the room as it is (read under its row lock) and of a
 * time the caller gives, so they are tested with a clock the test controls. The room rules are the
 * reference's: its `afterOmnichannelSaveMessage` hooks `saveAnalyticsData`, `markRoomResponded`,
 * `markRoomNotResponded` and `save-last-visitor-message-timestamp`, and the `LivechatRooms` model's
 * update queries they call (`getAnalyticsUpdateQueryBySentByVisitor`/`…ByAgent`,
 * `getResponseByRoomIdUpdateQuery`, `getNotResponseByRoomIdUpdateQuery`, …); `msgs`, `lm` and
 * `lastMessage` as its `Rooms.setIncMsgCountAndSetLastMessageUpdateQuery` and `resetLastMessageById`.
 * Where this product differs from the reference it is on purpose (docs/api.md#messages): system messages are in
 * the history but do not count in `msgs`, nor become `lastMessage`.
 */

export type Writer = 'visitor' | 'agent';

/** The changes a message makes to its room, for one UPDATE with the message's INSERT. */
export type RoomChanges = Partial<
  Pick<RoomEntity, 'msgs' | 'lm' | 'lastMessage' | 'updatedAt' | 'visitorLastMessageTs' | 'waitingResponse' | 'responseBy' | 'metrics'>
>;

/**
 * The time of a change to a room: the clock, but always after the room's last change. A room's
 * changes take its row lock, so this makes `ts` and `_updatedAt` grow strictly in commit order within
 * a room, whatever the replicas' clocks say: "changed after a date" never misses a change, and the
 * history's order is the order things happened.
 */
export function nextInstant(room: Pick<RoomEntity, 'updatedAt'>, clock: Date): Date {
  return new Date(Math.max(clock.getTime(), room.updatedAt.getTime() + 1));
}

/** The links of a markdown tree, as the reference lists them in `urls` (its `extractUrlsFromMessageAST`). */
export function urlsOf(md: MarkdownNode[]): NonNullable<Message['urls']> {
  const urls = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const { type, value } = node as { type?: unknown; value?: { src?: { value?: unknown } } };
    if (type === 'LINK' && typeof value?.src?.value === 'string') {
      const src = value.src.value;
      urls.add(src.startsWith('//') ? `https:${src}` : src);
    }
    if (value !== undefined) walk(value);
  };
  walk(md);
  return [...urls].map((url) => ({ url, meta: {} }));
}

// ── The messages ──────────────────────────────────────────────────────────────────────────────

function message(fields: Partial<MessageEntity> & Pick<MessageEntity, 'rid' | 'msg' | 'ts' | 'uId' | 'uUsername'>): MessageEntity {
  return Object.assign(new MessageEntity(), {
    id: randomId(),
    t: null,
    updatedAt: fields.ts,
    uName: null,
    token: null,
    alias: null,
    md: null,
    urls: null,
    editedAt: null,
    editedById: null,
    editedByUsername: null,
    deletedAt: null,
    ...fields,
  });
}

/** A visitor's message: `u` the visitor, `token` theirs, `alias` their name else their username. */
export function visitorMessage(
  room: Pick<RoomEntity, 'id' | 'visitorId' | 'visitorUsername' | 'visitorToken'>,
  visitorName: string | null,
  input: { id?: string; msg: string; md: MarkdownNode[] },
  at: Date,
): MessageEntity {
  return message({
    ...(input.id ? { id: input.id } : {}),
    rid: room.id,
    msg: input.msg,
    ts: at,
    uId: room.visitorId,
    uUsername: room.visitorUsername,
    uName: visitorName,
    token: room.visitorToken,
    alias: visitorName || room.visitorUsername,
    md: input.md,
    urls: urlsOf(input.md),
  });
}

/** An agent's message. */
export function agentMessage(rid: string, agent: MessageAuthor, input: { id?: string; msg: string; md: MarkdownNode[] }, at: Date): MessageEntity {
  return message({
    ...(input.id ? { id: input.id } : {}),
    rid,
    msg: input.msg,
    ts: at,
    uId: agent._id,
    uUsername: agent.username,
    uName: agent.name ?? null,
    md: input.md,
    urls: urlsOf(input.md),
  });
}

/** `uj`: an agent joined the room (the reference's routing writes it with an empty `msg`). */
export function agentJoinedMessage(rid: string, agent: MessageAuthor, at: Date): MessageEntity {
  return message({ rid, t: SYSTEM_MESSAGE_TYPES.agentJoined, msg: '', ts: at, uId: agent._id, uUsername: agent.username, uName: agent.name ?? null });
}

/** `livechat-close`: the room was closed; `msg` is the closing comment, `u` who closed it. */
export function roomClosedMessage(rid: string, closer: MessageAuthor, comment: string, md: MarkdownNode[], at: Date): MessageEntity {
  return message({
    rid,
    t: SYSTEM_MESSAGE_TYPES.roomClosed,
    msg: comment,
    ts: at,
    uId: closer._id,
    uUsername: closer.username,
    uName: closer.name ?? null,
    md,
    urls: urlsOf(md),
  });
}

/** The message edited by its author at `at`. */
export function editedMessage(stored: MessageEntity, editor: UserRef, input: { msg: string; md: MarkdownNode[] }, at: Date): MessageEntity {
  return Object.assign(new MessageEntity(), stored, {
    msg: input.msg,
    md: input.md,
    urls: urlsOf(input.md),
    updatedAt: at,
    editedAt: at,
    editedById: editor._id,
    editedByUsername: editor.username,
  });
}

// ── What messages do to the room ────────────────────────────────────────────────────────────────

/**
 * A new visitor or agent message: `msgs` + 1, `lm` and `lastMessage` the message; then, as the
 * reference's hooks:
 * - visitor: `v.lastMessageTs`; `waitingResponse` set and `responseBy` removed if the room was
 *   answered; `metrics.v.lq` when it is the first message since the agent's last reply;
 * - agent: `waitingResponse` removed and `responseBy` set if the visitor was waiting (else only its
 *   `lastMessageTs` moves); the response and reaction metrics, and `metrics.servedBy.lr`.
 * The message's `ts` is the time of the change.
 */
export function afterNewMessage(room: RoomEntity, m: MessageEntity, writer: Writer): RoomChanges {
  const wire = toMessage(m);
  const changes: RoomChanges = { msgs: room.msgs + 1, lm: m.ts, lastMessage: wire, updatedAt: m.ts };
  const metrics: RoomMetrics = structuredClone(room.metrics ?? {});
  // The reference's defaults: without a visitor query or an agent reply, the room's creation.
  const visitorLastQuery = metrics.v ? Date.parse(metrics.v.lq) : room.ts.getTime();
  const agentLastReply = metrics.servedBy ? Date.parse(metrics.servedBy.lr) : room.ts.getTime();
  if (writer === 'visitor') {
    changes.visitorLastMessageTs = m.ts;
    if (!room.waitingResponse) {
      changes.waitingResponse = true;
      changes.responseBy = null;
    }
    // A new query, not a continuing message.
    if (agentLastReply >= visitorLastQuery) metrics.v = { lq: wire.ts };
  } else {
    Object.assign(changes, responded(room, wire));
    addResponseTimes(room, metrics, visitorLastQuery, m.ts);
    if (visitorLastQuery > agentLastReply) metrics.servedBy = { lr: wire.ts };
  }
  changes.metrics = metrics;
  return changes;
}

/** markRoomResponded: an agent's message answers a waiting visitor, or moves the answer's last time. */
function responded(room: RoomEntity, m: Message): RoomChanges {
  if (!room.waitingResponse) return room.responseBy ? { responseBy: { ...room.responseBy, lastMessageTs: m.ts } } : {};
  return {
    waitingResponse: false,
    responseBy: {
      _id: room.responseBy?._id ?? m.u._id,
      username: room.responseBy?.username ?? m.u.username,
      firstResponseTs: room.responseBy?.firstResponseTs ?? m.ts,
      lastMessageTs: m.ts,
    },
  };
}

/**
 * saveAnalyticsData for an agent's message at `now`. The first reply of the room (no
 * `metrics.servedBy.lr` yet) sets `response.fd/ft` (from the visitor's last query, else the room's
 * creation) and `reaction.fd/ft` (from the agent's assignment); every reply to a query newer than the
 * agent's last reply adds to `response.total/tt` and `reaction.tt` and sets `response.avg`.
 */
function addResponseTimes(room: RoomEntity, metrics: RoomMetrics, visitorLastQuery: number, now: Date): void {
  const roomTs = room.ts.getTime();
  const agentJoined = room.servedByTs?.getTime() ?? roomTs;
  const seconds = (from: number) => (now.getTime() - from) / 1000;
  const total = metrics.response?.total ?? 0;
  const tt = metrics.response?.tt ?? 0;
  let responseTime: number;
  let reactionTime: number;
  let first = false;
  if (!metrics.servedBy) {
    responseTime = seconds(visitorLastQuery);
    reactionTime = seconds(agentJoined);
    first = true;
  } else if (visitorLastQuery > Date.parse(metrics.servedBy.lr)) {
    responseTime = seconds(visitorLastQuery);
    reactionTime = responseTime;
  } else {
    return;
  }
  const at = now.toISOString();
  metrics.response = {
    ...metrics.response,
    avg: (tt + responseTime) / (total + 1),
    total: total + 1,
    tt: tt + responseTime,
  };
  metrics.reaction = { ...metrics.reaction, tt: (metrics.reaction?.tt ?? 0) + reactionTime };
  if (first && responseTime) {
    Object.assign(metrics.response, { fd: at, ft: responseTime });
    Object.assign(metrics.reaction, { fd: at, ft: reactionTime });
  }
}

/** An edited message: the room's `lastMessage` follows it when it is that message. */
export function afterEdit(room: RoomEntity, edited: MessageEntity): RoomChanges {
  const changes: RoomChanges = { updatedAt: edited.updatedAt };
  if (room.lastMessage?._id === edited.id) changes.lastMessage = toMessage(edited);
  return changes;
}

/**
 * A deleted visitor or agent message: `msgs` - 1; when it was the room's `lastMessage`, the newest
 * visitor or agent message left takes its place (none: removed). `lm` stays, as the reference's.
 */
export function afterDelete(room: RoomEntity, deletedId: string, newestLeft: MessageEntity | null, at: Date): RoomChanges {
  const changes: RoomChanges = { msgs: Math.max(0, room.msgs - 1), updatedAt: at };
  if (room.lastMessage?._id === deletedId) changes.lastMessage = newestLeft ? toMessage(newestLeft) : null;
  return changes;
}
