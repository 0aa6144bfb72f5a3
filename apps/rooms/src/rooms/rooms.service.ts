import { Inject, Injectable, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  ERRORS,
  MESSAGE_EVENTS,
  ROOM_EVENTS,
  type AgentSelectedEvent,
  type CloseRoomByAgentCommand,
  type CloseRoomCommand,
  type CloseRoomReply,
  type FenceReservationsCommand,
  type FenceReservationsReply,
  type GetOrOpenRoomCommand,
  type GetOrOpenRoomReply,
  type ListRoomsCommand,
  type ListRoomsReply,
  type MarkdownNode,
  type MessageAuthor,
  type ServingAgentCommand,
  type ServingAgentReply,
  type VisitorSessionCommand,
  type VisitorSessionReply,
  type Reservation,
} from '@livechat/contracts';
import { CLOCK, Metrics, Outbox, faultPoint, randomId, type Clock } from '@livechat/common';
import type { Counter, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import type { VisitorEntity } from '../visitors/visitor.entity.js';
import { assignmentWrites } from '../messages/assignment.js';
import { nextInstant, roomClosedMessage } from '../messages/conversation.js';
import { MarkdownParser } from '../messages/markdown/markdown.parser.js';
import { messageEvent } from '../messages/message-event.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { RoutingClient } from '../routing-client/routing.client.js';
import { toVisitor } from '../visitors/visitor.mapper.js';
import { VisitorsRepository } from '../visitors/visitors.repository.js';
import { roomEvent } from './room-event.js';
import { RoomEntity } from './room.entity.js';
import { toRoom } from './room.mapper.js';
import { RoomsRepository } from './rooms.repository.js';

/** The closing comment of a visitor's close (SPEC §5), also the `livechat-close` message's text. */
export const VISITOR_CLOSE_COMMENT = 'Closed by visitor';

/** Seconds from a room's queueing to its agent: 10 ms to an hour. */
const TIME_TO_AGENT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

@Injectable()
export class RoomsService {
  private readonly logger = new Logger('Rooms');
  private readonly opened: Counter;
  private readonly closed: Counter;
  private readonly timeToAgent: Histogram;

  constructor(
    private readonly dataSource: DataSource,
    private readonly rooms: RoomsRepository,
    private readonly visitors: VisitorsRepository,
    private readonly outbox: Outbox,
    private readonly routing: RoutingClient,
    private readonly messages: MessagesRepository,
    private readonly markdown: MarkdownParser,
    @Inject(CLOCK) private readonly clock: Clock,
    metrics: Metrics,
  ) {
    this.opened = metrics.counter({ name: 'livechat_rooms_opened_total', help: 'Rooms opened (committed) by this replica' });
    this.closed = metrics.counter({ name: 'livechat_rooms_closed_total', help: 'Rooms closed (committed) by this replica' });
    this.timeToAgent = metrics.histogram({
      name: 'livechat_time_to_agent_seconds',
      help: "From a room's queuedAt to its first agent: the routing decision's occurredAt, observed when rooms applies the decision, or the served insert's commit for a room served at once",
      buckets: TIME_TO_AGENT_BUCKETS,
    });
  }

  /** SPEC §4: the room named by `rid`, else the visitor's open room, else a new one. */
  async getOrOpen(cmd: GetOrOpenRoomCommand): Promise<GetOrOpenRoomReply> {
    if (cmd.rid) return this.getOwnOpenRoom(cmd.token, cmd.rid);
    const room = await this.rooms.findOpenByToken(cmd.token);
    if (room) return { room: toRoom(room), newRoom: false };
    const visitor = await this.visitors.findByToken(cmd.token);
    if (!visitor) throw new RpcException(ERRORS.invalidToken);
    return this.open(visitor, cmd);
  }

  /** A visitor closes their own open room (SPEC §5), with its `livechat-close` message (SPEC §5a). */
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
   * The serving agent closes the room (SPEC §6a `room.closeByUser`): `closer: "user"`, `closedBy` the
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

  /** SPEC §6a `livechat/rooms`: rooms newest first, those of `servedBy` (they serve or served) when given. */
  async list(cmd: ListRoomsCommand): Promise<ListRoomsReply> {
    const { rooms, total } = await this.rooms.page({ servedBy: cmd.servedBy, open: cmd.open }, { count: cmd.count, offset: cmd.offset });
    return { rooms: rooms.map(toRoom), count: rooms.length, offset: cmd.offset, total };
  }

  /** SPEC §5b `livechat/config`: the visitor with this token and their open room, each when there is one. */
  async visitorSession(cmd: VisitorSessionCommand): Promise<VisitorSessionReply> {
    const [visitor, room] = await Promise.all([this.visitors.findByToken(cmd.token), this.rooms.findOpenByToken(cmd.token)]);
    const reply: VisitorSessionReply = {};
    if (visitor) reply.visitor = toVisitor(visitor);
    if (visitor && room) reply.room = toRoom(room);
    return reply;
  }

  /**
   * SPEC §5b `livechat/agent.info`: the agent serving the visitor's room (open or closed, as the
   * reference's findRoom): `invalid-token`, `invalid-room` (unknown, or another visitor's), `invalid-agent`.
   */
  async servingAgent(cmd: ServingAgentCommand): Promise<ServingAgentReply> {
    const [visitor, room] = await Promise.all([this.visitors.findByToken(cmd.token), this.rooms.findById(cmd.rid)]);
    if (!visitor) throw new RpcException(ERRORS.invalidToken);
    if (!room || room.visitorId !== visitor.id) throw new RpcException(ERRORS.invalidRoom);
    if (!room.servedById) throw new RpcException(ERRORS.noServingAgent);
    return { agentId: room.servedById };
  }

  /**
   * Applies routing's decisions (SPEC §1): each once, in version order, and only to an open room. A
   * decision for a room closed meanwhile changes nothing here; routing releases the agent's
   * capacity when it handles that room's room.closed. Each assignment writes what assignmentWrites
   * says (the `uj` message; room.assigned, with `agent: null` when the room lost its agent, and
   * message.sent). A batch is applied in one transaction; decisions for the same room go in separate
   * rounds, in the order given.
   */
  async applyDecisions(decisions: AgentSelectedEvent[]): Promise<void> {
    const applied = await this.outbox.transaction(async (manager) => {
      const changed: { room: RoomEntity; decision: AgentSelectedEvent }[] = [];
      for (const round of distinctRoomRounds(decisions)) {
        const rows = await this.rooms.applyAssignments(manager, round);
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
        this.timeToAgent.observe(Math.max(0, Date.parse(decision.occurredAt) - room.queuedAt.getTime()) / 1000);
      }
    }
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
    this.closed.inc();
  }

  private async getOwnOpenRoom(token: string, rid: string): Promise<GetOrOpenRoomReply> {
    const [visitor, room] = await Promise.all([this.visitors.findByToken(token), this.rooms.findById(rid)]);
    if (!visitor) throw new RpcException(ERRORS.invalidToken);
    // Unknown, closed and other visitors' rooms all look the same: nothing is revealed.
    if (!room || !room.open || room.visitorId !== visitor.id) throw new RpcException(ERRORS.invalidRoom);
    return { room: toRoom(room), newRoom: false };
  }

  /**
   * A new room (SPEC §4). rooms makes its id, then asks routing's admission, which may answer a
   * reservation: the room is then inserted already served, with its room.opened and room.assigned, in
   * one statement fenced by the reservation's deadline. A reservation the room did not use comes back
   * to routing: at once when the insert lost to the visitor's other request, by room.opened when the
   * room was opened unserved (past the deadline, or without routing's answer), by routing's sweeper
   * when nothing else can tell (this process died).
   */
  private async open(visitor: VisitorEntity, cmd: GetOrOpenRoomCommand): Promise<GetOrOpenRoomReply> {
    // A racing request may open the room and its visitor close it before we read it back: try again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const now = this.clock.now();
      const room = newRoom(visitor, cmd, now);
      const admission = await this.routing.admit({
        roomId: room.id,
        departmentId: visitor.departmentId ?? undefined,
        agentId: cmd.agentId,
        name: room.fname,
        visitor: { _id: visitor.id, username: visitor.username, token: visitor.token },
        queuedAt: now.toISOString(),
      });
      if (admission.decision === 'disabled') throw new RpcException(ERRORS.omnichannelDisabled);
      if (admission.decision === 'no-agent-online') throw new RpcException(ERRORS.noAgentOnline);
      room.departmentId = admission.departmentId ?? null;
      const opened = admission.reservation ? await this.insertServed(room, admission.reservation, cmd) : await this.insert(room, cmd);
      if (opened) return { room: toRoom(opened), newRoom: true };
      const existing = await this.rooms.findOpenByVisitor(visitor.id);
      if (existing) return { room: toRoom(existing), newRoom: false };
    }
    throw new Error(`could not open a room for visitor ${visitor.id}: it kept being opened and closed concurrently`);
  }

  /** Inserts the room waiting for an agent, with its room.opened; null when the visitor's other request opened theirs first. */
  private async insert(room: RoomEntity, cmd: GetOrOpenRoomCommand): Promise<RoomEntity | null> {
    const events = [roomEvent(ROOM_EVENTS.opened, room, room.ts, { preferredAgentId: cmd.agentId })];
    const { inserted } = await this.outbox.relayAfter(() => this.rooms.insertOpened(room, [(firstParam) => this.outbox.rows(events, firstParam)]));
    if (!inserted) return null;
    this.opened.inc();
    return room;
  }

  /**
   * Inserts the room served by the reservation's agent, with room.opened and room.assigned, before the
   * reservation's deadline. Past it, the room is inserted waiting instead (routing gives the capacity
   * back and queues it when room.opened arrives). Null when the visitor's other request opened their
   * room first; this room id will then never exist, and routing is told so.
   */
  private async insertServed(room: RoomEntity, reservation: Reservation, cmd: GetOrOpenRoomCommand): Promise<RoomEntity | null> {
    faultPoint('rooms:before-served-insert');
    const served: RoomEntity = {
      ...room,
      servedById: reservation.agent._id,
      servedByUsername: reservation.agent.username,
      servedByTs: room.ts,
      usersCount: 2,
      assignmentVersion: reservation.version,
    };
    // What an assignment writes (the `uj` message, room.assigned, its message.sent), after room.opened.
    const assigned = assignmentWrites(served, reservation.agent, room.ts);
    const events = [roomEvent(ROOM_EVENTS.opened, served, room.ts, { preferredAgentId: cmd.agentId }), ...assigned.events];
    const { inserted, inTime } = await this.outbox.relayAfter(() =>
      this.rooms.insertOpened(
        served,
        [(firstParam) => this.outbox.rows(events, firstParam), (firstParam) => this.messages.rows(assigned.messages, firstParam)],
        { deadline: new Date(reservation.deadline) },
      ),
    );
    if (inserted) {
      this.opened.inc();
      // Served at once: the wait was the admission and the insert.
      this.timeToAgent.observe((Date.now() - room.queuedAt.getTime()) / 1000);
      return served;
    }
    if (!inTime) {
      this.logger.warn(`room ${room.id}: its reservation's deadline passed before the insert; opening it waiting for an agent`);
      const waiting = await this.insert(room, cmd);
      if (waiting) return waiting;
    }
    this.routing.releaseReservation(room.id);
    return null;
  }

  /** What routing's reservation sweeper asks: the rooms as they are, under the fence (see RoomsRepository). */
  async fenceReservations(cmd: FenceReservationsCommand): Promise<FenceReservationsReply> {
    const outcomes = await this.rooms.fenceReservations(cmd.reservations.map((r) => ({ roomId: r.roomId, deadline: new Date(r.deadline) })));
    return {
      outcomes: outcomes.map((o) => (o.state === 'present' ? { roomId: o.roomId, state: o.state, room: toRoom(o.room!) } : { roomId: o.roomId, state: o.state })),
    };
  }
}

/** A new open room of the visitor, waiting for an agent, with a fresh id. */
function newRoom(visitor: VisitorEntity, cmd: GetOrOpenRoomCommand, now: Date): RoomEntity {
  return Object.assign(new RoomEntity(), {
    id: randomId(),
    visitorId: visitor.id,
    visitorUsername: visitor.username,
    visitorToken: visitor.token,
    visitorStatus: visitor.status,
    fname: visitor.name || visitor.username,
    departmentId: null,
    open: true,
    msgs: 0,
    usersCount: 1,
    source: cmd.source,
    ts: now,
    updatedAt: now,
    lm: now,
    queuedAt: now,
    servedById: null,
    servedByUsername: null,
    servedByTs: null,
    assignmentVersion: 0,
    closedAt: null,
    closer: null,
    closedById: null,
    closedByUsername: null,
    metrics: null,
    customFields: null,
    lastMessage: null,
    visitorLastMessageTs: null,
    waitingResponse: true,
    responseBy: null,
  } satisfies RoomEntity);
}

/** Splits decisions into rounds in which each room appears once, keeping their order. */
function distinctRoomRounds(decisions: AgentSelectedEvent[]): AgentSelectedEvent[][] {
  const rounds: AgentSelectedEvent[][] = [];
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
