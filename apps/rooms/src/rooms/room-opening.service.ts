import { Inject, Injectable, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, ROOM_EVENTS, type GetOrOpenRoomCommand, type GetOrOpenRoomReply, type Reservation } from '@livechat/contracts';
import { CLOCK, Outbox, faultPoint, randomId, type Clock } from '@livechat/common';
import type { VisitorEntity } from '../visitors/visitor.entity.js';
import { assignmentWrites } from '../messages/assignment.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { RoutingClient } from '../routing-client/routing.client.js';
import { VisitorsRepository } from '../visitors/visitors.repository.js';
import { roomEvent } from './room-event.js';
import { RoomEntity } from './room.entity.js';
import { toRoom } from './room.mapper.js';
import { RoomsMetrics } from './rooms.metrics.js';
import { RoomsRepository } from './rooms.repository.js';

/**
 * A visitor's room from their request to its agent: the open room they have, or a new one, served at
 * once by the agent routing's admission reserved, or waiting in routing's queue.
 */
@Injectable()
export class RoomOpeningService {
  private readonly logger = new Logger('Rooms');

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly visitors: VisitorsRepository,
    private readonly outbox: Outbox,
    private readonly routing: RoutingClient,
    private readonly messages: MessagesRepository,
    private readonly metrics: RoomsMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** docs/api.md#getting-or-opening-a-room: the room named by `rid`, else the visitor's open room, else a new one. */
  async getOrOpen(cmd: GetOrOpenRoomCommand): Promise<GetOrOpenRoomReply> {
    if (cmd.rid) return this.getOwnOpenRoom(cmd.token, cmd.rid);
    const room = await this.rooms.findOpenByToken(cmd.token);
    if (room) return { room: toRoom(room), newRoom: false };
    const visitor = await this.visitors.findByToken(cmd.token);
    if (!visitor) throw new RpcException(ERRORS.invalidToken);
    return this.open(visitor, cmd);
  }

  private async getOwnOpenRoom(token: string, rid: string): Promise<GetOrOpenRoomReply> {
    const [visitor, room] = await Promise.all([this.visitors.findByToken(token), this.rooms.findById(rid)]);
    if (!visitor) throw new RpcException(ERRORS.invalidToken);
    // Unknown, closed and other visitors' rooms all look the same: nothing is revealed.
    if (!room || !room.open || room.visitorId !== visitor.id) throw new RpcException(ERRORS.invalidRoom);
    return { room: toRoom(room), newRoom: false };
  }

  /**
   * A new room (docs/api.md#getting-or-opening-a-room). rooms makes its id, then asks routing's admission, which may answer a
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
      if (admission.verdict === 'disabled') throw new RpcException(ERRORS.omnichannelDisabled);
      if (admission.verdict === 'no-agent-online') throw new RpcException(ERRORS.noAgentOnline);
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
    const { inserted } = await this.outbox.relayAfter(() => this.rooms.insertOpened(room, [this.outbox.rows(events)]));
    if (!inserted) return null;
    this.metrics.opened.inc();
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
        [this.outbox.rows(events), this.messages.rows(assigned.messages)],
        { deadline: new Date(reservation.deadline) },
      ),
    );
    if (inserted) {
      this.metrics.opened.inc();
      // Served at once: the wait was the admission and the insert.
      this.metrics.timeToAgent.observe((Date.now() - room.queuedAt.getTime()) / 1000);
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
