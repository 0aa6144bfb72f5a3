import { Inject, Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  ERRORS,
  MESSAGE_EVENTS,
  ROOM_EVENTS,
  type RoutingDecision,
  type CloseRoomByAgentCommand,
  type CloseRoomCommand,
  type CloseRoomReply,
  type FenceReservationsCommand,
  type FenceReservationsReply,
  type ListRoomsCommand,
  type ListRoomsReply,
  type MarkdownNode,
  type MessageAuthor,
  type ServingAgentCommand,
  type ServingAgentReply,
  type VisitorSessionCommand,
  type VisitorSessionReply,
} from '@livechat/contracts';
import { CLOCK, Outbox, type Clock } from '@livechat/common';
import { assignmentWrites } from '../messages/assignment.js';
import { nextInstant, roomClosedMessage } from '../messages/conversation.js';
import { MarkdownParser } from '../messages/markdown/markdown.parser.js';
import { messageEvent } from '../messages/message-event.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { toVisitor } from '../visitors/visitor.mapper.js';
import { VisitorsRepository } from '../visitors/visitors.repository.js';
import { roomEvent } from './room-event.js';
import type { RoomEntity } from './room.entity.js';
import { toRoom } from './room.mapper.js';
import { RoomsMetrics } from './rooms.metrics.js';
import { RoomsRepository } from './rooms.repository.js';

/** The closing comment of a visitor's close (docs/api.md#closing-a-room), also the `livechat-close` message's text. */
export const VISITOR_CLOSE_COMMENT = 'Closed by visitor';

/** A room after it opened: the agent routing gives it, its close, and what the API reads of it. */
@Injectable()
export class RoomsService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly visitors: VisitorsRepository,
    private readonly outbox: Outbox,
    private readonly messages: MessagesRepository,
    private readonly markdown: MarkdownParser,
    private readonly metrics: RoomsMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Applies routing's decisions (docs/architecture.md#services): each once, in version order, and only to an open room. A
   * decision for a room closed meanwhile changes nothing here; routing releases the agent's
   * capacity when it handles that room's room.closed. Each assignment writes what assignmentWrites
   * says (the `uj` message; room.assigned, with `agent: null` when the room lost its agent, and
   * message.sent). A batch is applied in one transaction; decisions for the same room go in separate
   * rounds, in the order given.
   */
  async applyDecisions(decisions: RoutingDecision[]): Promise<void> {
    const applied = await this.outbox.transaction(async (manager) => {
      const changed: { room: RoomEntity; decision: RoutingDecision }[] = [];
      for (const round of distinctRoomRounds(decisions)) {
        const rows = await this.rooms.applyDecisions(manager, round);
        const writes = rows.map(({ room, decision }) => assignmentWrites(room, decision.agent, new Date(decision.occurredAt)));
        await this.messages.insert(manager, writes.flatMap((w) => w.messages));
        await this.outbox.add(manager, writes.flatMap((w) => w.events));
        changed.push(...rows);
      }
      return changed;
    });
    for (const { room, decision } of applied) {
      // Version 1 is the room's first assignment; later ones (its agent was deleted) are not a wait from queuedAt.
      if (decision.agent && decision.version === 1) {
        this.metrics.timeToAgent.observe(Math.max(0, Date.parse(decision.occurredAt) - room.queuedAt.getTime()) / 1000);
      }
    }
  }

  /** A visitor closes their own open room (docs/api.md#closing-a-room), with its `livechat-close` message (docs/api.md#messages). */
  async close(cmd: CloseRoomCommand): Promise<CloseRoomReply> {
    const [visitor, md] = await Promise.all([this.visitors.findByToken(cmd.token), this.markdown.parse(VISITOR_CLOSE_COMMENT)]);
    if (!visitor) throw new RpcException(ERRORS.invalidToken);
    const closer = { _id: visitor.id, username: visitor.username, ...(visitor.name ? { name: visitor.name } : {}) };
    await this.closeRoom(cmd.rid, { closer: 'visitor', by: closer, comment: VISITOR_CLOSE_COMMENT, md }, (room) => {
      if (!room || room.visitorId !== visitor.id) throw new RpcException(ERRORS.invalidRoom);
      if (!room.open) throw new RpcException(ERRORS.roomClosed);
    });
    return { rid: cmd.rid, comment: VISITOR_CLOSE_COMMENT };
  }

  /**
   * The serving agent closes the room (docs/api.md#agents-sign-in `room.closeByUser`): `closer: "user"`, `closedBy` the
   * agent, the `livechat-close` message with the comment (empty without one). Errors as the
   * reference's closeLivechatRoom: no such room, not a room this agent serves, closed already.
   */
  async closeByAgent(cmd: CloseRoomByAgentCommand): Promise<void> {
    const comment = cmd.comment ?? '';
    const md = await this.markdown.parse(comment);
    await this.closeRoom(cmd.rid, { closer: 'user', by: cmd.agent, comment, md }, (room) => {
      if (!room) throw new RpcException(ERRORS.closeInvalidRoom);
      if (room.servedById !== cmd.agent._id) throw new RpcException(ERRORS.closeNotAuthorized);
      if (!room.open) throw new RpcException(ERRORS.roomAlreadyClosed);
    });
  }

  /** docs/api.md#agents-sign-in `livechat/rooms`: rooms newest first, those of `servedBy` (they serve or served) when given. */
  async list(cmd: ListRoomsCommand): Promise<ListRoomsReply> {
    const { rooms, total } = await this.rooms.page({ servedBy: cmd.servedBy, open: cmd.open }, { count: cmd.count, offset: cmd.offset });
    return { rooms: rooms.map(toRoom), count: rooms.length, offset: cmd.offset, total };
  }

  /** docs/api.md#widget-bootstrap `livechat/config`: the visitor with this token and their open room, each when there is one. */
  async visitorSession(cmd: VisitorSessionCommand): Promise<VisitorSessionReply> {
    const [visitor, room] = await Promise.all([this.visitors.findByToken(cmd.token), this.rooms.findOpenByToken(cmd.token)]);
    const reply: VisitorSessionReply = {};
    if (visitor) reply.visitor = toVisitor(visitor);
    if (visitor && room) reply.room = toRoom(room);
    return reply;
  }

  /**
   * docs/api.md#widget-bootstrap `livechat/agent.info`: the agent serving the visitor's room (open or closed, as the
   * reference's findRoom): `invalid-token`, `invalid-room` (unknown, or another visitor's), `invalid-agent`.
   */
  async servingAgent(cmd: ServingAgentCommand): Promise<ServingAgentReply> {
    const [visitor, room] = await Promise.all([this.visitors.findByToken(cmd.token), this.rooms.findById(cmd.rid)]);
    if (!visitor) throw new RpcException(ERRORS.invalidToken);
    if (!room || room.visitorId !== visitor.id) throw new RpcException(ERRORS.invalidRoom);
    if (!room.servedById) throw new RpcException(ERRORS.noServingAgent);
    return { agentId: room.servedById };
  }

  /** What routing's reservation sweeper asks: the rooms as they are, under the fence (see RoomsRepository). */
  async fenceReservations(cmd: FenceReservationsCommand): Promise<FenceReservationsReply> {
    const outcomes = await this.rooms.fenceReservations(cmd.reservations.map((r) => ({ roomId: r.roomId, deadline: new Date(r.deadline) })));
    return {
      outcomes: outcomes.map((o) => (o.state === 'present' ? { roomId: o.roomId, state: o.state, room: toRoom(o.room!) } : { roomId: o.roomId, state: o.state })),
    };
  }

  /**
   * Closes a room under its row lock, after `check` accepted it: the room's close fields and metrics
   * (`chatDuration`, `serviceTimeDuration` when served), its `livechat-close` message, `room.closed`
   * and `message.sent`, in one transaction. The agent's capacity is released by routing, from room.closed.
   */
  private async closeRoom(
    rid: string,
    close: { closer: 'visitor' | 'user'; by: MessageAuthor; comment: string; md: MarkdownNode[] },
    check: (room: RoomEntity | null) => asserts room is RoomEntity,
  ): Promise<void> {
    await this.outbox.transaction(async (manager) => {
      const room = await this.rooms.findForUpdate(manager, rid);
      check(room);
      const now = nextInstant(room, this.clock.now());
      const changes: Partial<RoomEntity> = {
        open: false,
        closedAt: now,
        closer: close.closer,
        closedById: close.by._id,
        closedByUsername: close.by.username,
        visitorStatus: 'offline',
        updatedAt: now,
        metrics: {
          ...(room.metrics ?? {}),
          chatDuration: seconds(room.ts, now),
          ...(room.servedByTs ? { serviceTimeDuration: seconds(room.servedByTs, now) } : {}),
        },
      };
      const closing = roomClosedMessage(room.id, close.by, close.comment, close.md, now);
      const closed = { ...room, ...changes };
      await this.rooms.update(manager, room.id, changes);
      await this.messages.insert(manager, [closing]);
      await this.outbox.add(manager, [roomEvent(ROOM_EVENTS.closed, closed, now), messageEvent(MESSAGE_EVENTS.sent, closed, closing, now)]);
    });
    this.metrics.closed.inc();
  }
}

/** Splits decisions into rounds in which each room appears once, keeping their order. */
function distinctRoomRounds(decisions: RoutingDecision[]): RoutingDecision[][] {
  const rounds: RoutingDecision[][] = [];
  const seen = new Map<string, number>();
  for (const d of decisions) {
    const round = seen.get(d.roomId) ?? 0;
    seen.set(d.roomId, round + 1);
    (rounds[round] ??= []).push(d);
  }
  return rounds;
}

function seconds(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / 1000;
}
