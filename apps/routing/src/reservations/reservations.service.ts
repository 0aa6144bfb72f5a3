import { Inject, Injectable, Logger } from '@nestjs/common';
import { Metrics, Outbox, randomId, type OutboxMessage } from '@livechat/common';
import type { AdmitRoomCommand, Reservation, Room } from '@livechat/contracts';
import type { Counter } from 'prom-client';
import { DataSource, type EntityManager } from 'typeorm';
import { capacityOf, type AgentPool } from '../assignment/agent-pool.js';
import type { PoolState } from '../assignment/agent-pool.repository.js';
import { CapacityRepository, type Released } from '../assignment/capacity.repository.js';
import { CapacitySignal } from '../assignment/capacity.signal.js';
import { STRATEGIES } from '../assignment/strategies.js';
import { ROUTING_CONFIG, type RoutingConfig } from '../config/routing.config.js';
import { requeueDecision } from '../queue/decision-event.js';
import { InquiriesRepository, type NewInquiry } from '../queue/inquiries.repository.js';
import { ReservationsRepository } from './reservations.repository.js';

/** How often admission chooses again after losing an agent's last capacity to another replica. */
const RESERVE_ATTEMPTS = 3;

/** A room as rooms reported it opened (room.opened, or the fence's answer). */
export interface OpenedRoom {
  room: Room;
  preferredAgentId?: string;
}

export type ReservationOutcome = 'made' | 'confirmed' | 'queued' | 'voided' | 'closed';

/**
 * A new room served at once (docs/routing.md#a-new-room-served-at-once), and routing's record of every room following what rooms did
 * with it. Admission reserves an agent's capacity for a room id before rooms inserts the room
 * (`reserve`); each reservation then ends exactly once, by a conditional change of its inquiry's
 * status, so its capacity comes back at most once:
 *
 * - rooms inserted the room served by that agent → confirmed (reserved → taken), or, when the agent
 *   was deleted meanwhile, back to the queue with a decision that clears servedBy;
 * - rooms opened the room without it (no answer in time, or past the deadline) → capacity back, the
 *   room queued;
 * - the room never existed (rooms said so, or the fence found it absent after the deadline) → capacity
 *   back, the reservation forgotten;
 * - the room closed first → capacity back, the inquiry closed.
 *
 * Rooms without a reservation are queued (room.opened) and closed (room.closed) as before. Every
 * handler here is idempotent, so redeliveries and two replicas sweeping the same reservation are harmless.
 */
@Injectable()
export class ReservationsService {
  private readonly logger = new Logger('Reservations');
  private readonly outcomes: Counter;
  private readonly inFlight = new InFlightReservations();

  constructor(
    private readonly dataSource: DataSource,
    private readonly signal: CapacitySignal,
    private readonly reservations: ReservationsRepository,
    private readonly inquiries: InquiriesRepository,
    private readonly capacity: CapacityRepository,
    private readonly outbox: Outbox,
    @Inject(ROUTING_CONFIG) private readonly config: RoutingConfig,
    metrics: Metrics,
  ) {
    this.outcomes = metrics.counter({
      name: 'livechat_reservations_total',
      help: 'Capacity reserved for a new room served at once (outcome "made"), and how reservations ended: confirmed, queued (the room opened without it), voided (the room never existed), closed',
      labelNames: ['outcome'],
    });
    for (const outcome of ['made', 'confirmed', 'queued', 'voided', 'closed'] satisfies ReservationOutcome[]) this.outcomes.inc({ outcome }, 0);
  }

  /**
   * Chooses the agent for a new room (AgentPool's rules, capacity counted) and takes their capacity
   * for it. An agent whose capacity another replica took meanwhile is left out and the choice made
   * again. Answers the reservation, with the department that serves the room, or undefined when
   * nobody can serve it now.
   */
  async reserve(state: PoolState, cmd: AdmitRoomCommand, departmentId: string | undefined): Promise<{ reservation: Reservation; departmentId?: string } | undefined> {
    const { settings, pool } = state;
    const strategy = STRATEGIES[settings.Livechat_Routing_Method];
    this.inFlight.applyTo(pool, state.readAt);
    for (let attempt = 0; attempt < RESERVE_ATTEMPTS; attempt += 1) {
      const choice = pool.choose(strategy, departmentId, cmd.agentId);
      if (!choice) return undefined;
      const serving = choice.departmentId ?? null;
      const pending = this.inFlight.add(choice.agent.id, serving);
      const taken = await this.reservations.reserve({
        inquiryId: randomId(),
        roomId: cmd.roomId,
        agentId: choice.agent.id,
        capacity: capacityOf(choice.agent, settings),
        departmentId: serving,
        departmentCap: serving ? pool.departmentLimit(serving) : 0,
        preferredAgentId: cmd.agentId ?? null,
        name: cmd.name,
        visitor: cmd.visitor,
        queuedAt: new Date(cmd.queuedAt),
        ttlMs: this.config.RESERVATION_TTL_MS,
      }).catch((err: unknown) => {
        this.inFlight.settle(pending, false);
        if (isRoomAlreadyKnown(err)) return 'known' as const;
        throw err;
      });
      // Admitted before: rooms asked again, its first request's reply lost. Answer what was decided then.
      if (taken === 'known') return this.alreadyReserved(cmd.roomId);
      this.inFlight.settle(pending, !!taken);
      if (taken) {
        this.outcomes.inc({ outcome: 'made' });
        const reservation = { agent: { _id: choice.agent.id, username: taken.username }, version: 1, deadline: taken.deadline.toISOString() };
        return choice.departmentId ? { reservation, departmentId: choice.departmentId } : { reservation };
      }
      pool.exclude(choice.agent.id);
    }
    return undefined;
  }

  /** The pending reservation of a room admitted before, as admission answered it; none when it ended. */
  private async alreadyReserved(roomId: string): Promise<{ reservation: Reservation; departmentId?: string } | undefined> {
    const row = await this.reservations.pending(roomId);
    if (!row) return undefined;
    const reservation = { agent: { _id: row.agentId, username: row.username }, version: row.version, deadline: row.deadline.toISOString() };
    return row.departmentId ? { reservation, departmentId: row.departmentId } : { reservation };
  }

  /**
   * Rooms that opened (room.opened, or present in the fence's answer): a reservation is confirmed
   * when the room is served by its agent, otherwise given back and the room queued; a room without a
   * reservation is queued. The common cases take one statement each.
   */
  async opened(opened: OpenedRoom[]): Promise<void> {
    if (opened.length === 0) return;
    const served = opened.filter((o) => o.room.servedBy);
    const confirmed = await this.reservations.confirm(served.map((o) => ({ roomId: o.room._id, agentId: o.room.servedBy!._id })));
    this.outcomes.inc({ outcome: 'confirmed' }, confirmed.size);
    const queued = await this.inquiries.insertQueued(opened.filter((o) => !o.room.servedBy).map(toNewInquiry));
    const rest = opened.filter((o) => !confirmed.has(o.room._id) && !queued.has(o.room._id));
    const settled = rest.length > 0 ? await this.settleOpened(rest) : 0;
    if (queued.size > 0 || settled > 0) this.signal.changed();
  }

  /**
   * room.closed: the inquiry is closed, and a taken or reserved room's capacity comes back (a
   * reservation the room did not use also gives back the agent's routed counts). A room closed before
   * routing heard it opened leaves a closed inquiry that the late room.opened does not reopen.
   */
  async closed(room: Room, at: Date): Promise<void> {
    const released = await this.dataSource.transaction(async (manager) => {
      const inquiry = await this.inquiries.findForUpdate(manager, room._id);
      if (!inquiry) {
        if (await this.inquiries.insertClosed(manager, room._id, at)) return false;
        // A room.opened committed its inquiry meanwhile: close that one.
        throw new Error(`inquiry for room ${room._id} appeared concurrently; retrying`);
      }
      if (inquiry.status === 'closed') return false;
      await this.inquiries.markClosed(manager, inquiry.id);
      if ((inquiry.status !== 'taken' && inquiry.status !== 'reserved') || !inquiry.agentId) return false;
      const unroute = inquiry.status === 'reserved' && room.servedBy?._id !== inquiry.agentId;
      await this.capacity.release(manager, [{ agentId: inquiry.agentId, departmentId: inquiry.departmentId, unroute }]);
      if (inquiry.status === 'reserved') this.outcomes.inc({ outcome: 'closed' });
      return true;
    });
    if (released) this.signal.changed();
  }

  /**
   * Room ids that will never exist (rooms' insert lost to the visitor's other request, or the fence
   * found them absent after their deadline): their reservations' capacity comes back. The commit does
   * not wait for the disk: lost in a crash, the reservation would be swept again, with the same answer.
   */
  async void(roomIds: string[]): Promise<void> {
    if (roomIds.length === 0) return;
    const voided = await this.dataSource.transaction(async (manager) => {
      await this.reservations.commitWithoutWaiting(manager);
      const rows = await this.reservations.lockReserved(manager, roomIds);
      await this.capacity.release(manager, rows.map((r) => ({ agentId: r.agentId!, departmentId: r.departmentId, unroute: true })));
      await this.reservations.remove(manager, rows.map((r) => r.id));
      return rows.length;
    });
    this.outcomes.inc({ outcome: 'voided' }, voided);
    if (voided > 0) this.signal.changed();
  }

  /** Reservations past their deadline, oldest first (the sweeper's work). */
  due(limit: number): Promise<{ roomId: string; deadline: Date }[]> {
    return this.reservations.due(limit);
  }

  /**
   * The opened rooms the one-statement paths did not settle: a reservation whose agent was deleted,
   * one the room did not use, a redelivery (nothing to do). Answers how many rooms went to the queue.
   */
  private async settleOpened(rest: OpenedRoom[]): Promise<number> {
    const byRoom = new Map(rest.map((o) => [o.room._id, o]));
    return this.outbox.transaction(async (manager) => {
      const rows = await this.reservations.lockReserved(manager, [...byRoom.keys()]);
      const alive = await this.reservations.existingAgents(manager, rows.map((r) => r.agentId!));
      const taken: string[] = [];
      const released: Released[] = [];
      const back: Parameters<ReservationsRepository['requeue']>[1] = [];
      for (const row of rows) {
        const { room } = byRoom.get(row.roomId)!;
        const usedByAgent = room.servedBy?._id === row.agentId;
        if (usedByAgent && alive.has(row.agentId!)) taken.push(row.id);
        else {
          // Served by an agent deleted meanwhile (nothing to give back: their row is gone), or not used.
          if (!usedByAgent) released.push({ agentId: row.agentId!, departmentId: row.departmentId, unroute: true });
          back.push({ ...queueFields(room), id: row.id, bump: usedByAgent });
        }
      }
      await this.reservations.markTaken(manager, taken);
      await this.capacity.release(manager, released);
      const versions = await this.reservations.requeue(manager, back);
      const now = new Date();
      const decisions: OutboxMessage[] = back
        .filter((b) => b.bump)
        .map((b) => requeueDecision(rows.find((r) => r.id === b.id)!.roomId, b.departmentId, versions.find((v) => v.id === b.id)!.version, now));
      await this.outbox.add(manager, decisions);
      this.outcomes.inc({ outcome: 'confirmed' }, taken.length);
      this.outcomes.inc({ outcome: 'queued' }, back.length);
      const reservedRooms = new Set(rows.map((r) => r.roomId));
      for (const { room } of rest) {
        if (room.servedBy && !reservedRooms.has(room._id)) await this.warnIfUnknown(manager, room);
      }
      return back.length;
    });
  }

  /** A served room routing has no record of cannot happen (a served insert needs a reservation): say so. */
  private async warnIfUnknown(manager: EntityManager, room: Room): Promise<void> {
    if (!(await this.inquiries.findForUpdate(manager, room._id))) {
      this.logger.error(`room ${room._id} opened served by ${room.servedBy!._id} without a reservation`);
    }
  }
}

/**
 * The reservations this replica is making, so that admissions running at the same time see each
 * other's choices (as a queue pass sees its own, AgentPool.record): without it, concurrent admissions
 * reading the same snapshot would all choose the same agent and queue up on that agent's row. A
 * reservation counts for a snapshot read before it committed (or while it is still in flight).
 */
class InFlightReservations {
  /** Reservations not answered yet. */
  private readonly pending = new Set<InFlight>();
  /** Committed reservations, oldest first, kept a few seconds for admissions that read their snapshot before. */
  private readonly committed: InFlight[] = [];

  add(agentId: string, departmentId: string | null): InFlight {
    const entry: InFlight = { agentId, departmentId, at: new Date() };
    this.pending.add(entry);
    return entry;
  }

  /** Committed: it counts for snapshots read until now; refused: it never counted. */
  settle(entry: InFlight, committed: boolean): void {
    this.pending.delete(entry);
    if (!committed) return;
    entry.committedAt = Date.now();
    this.committed.push(entry);
    while (this.committed.length > 0 && this.committed[0].committedAt! < entry.committedAt - KEEP_COMMITTED_MS) this.committed.shift();
  }

  /** Records in the pool the reservations its snapshot (read at `readAt`) does not hold yet. */
  applyTo(pool: AgentPool, readAt: number): void {
    for (const entry of this.pending) pool.record(entry.agentId, entry.departmentId ?? undefined, entry.at);
    for (let i = this.committed.length - 1; i >= 0 && this.committed[i].committedAt! >= readAt; i -= 1) {
      const entry = this.committed[i];
      pool.record(entry.agentId, entry.departmentId ?? undefined, entry.at);
    }
  }
}

/** How long a committed reservation is remembered for admissions whose snapshot is older than it. */
const KEEP_COMMITTED_MS = 5_000;

interface InFlight {
  agentId: string;
  departmentId: string | null;
  at: Date;
  committedAt?: number;
}

function queueFields(room: Room): { departmentId: string | null; name: string; visitor: NewInquiry['visitor']; ts: Date; queuedAt: Date } {
  return {
    departmentId: room.departmentId ?? null,
    name: room.fname,
    visitor: { _id: room.v._id, username: room.v.username, token: room.v.token },
    ts: new Date(room.ts),
    queuedAt: new Date(room.queuedAt),
  };
}

function toNewInquiry({ room, preferredAgentId }: OpenedRoom): NewInquiry {
  return { ...queueFields(room), roomId: room._id, preferredAgentId: preferredAgentId ?? null };
}

/** The room id has an inquiry already (`inquiries_room_key`): the reservation's statement changed nothing. */
function isRoomAlreadyKnown(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } } | undefined;
  const pgError = e?.driverError ?? e;
  return pgError?.code === '23505' && pgError.constraint === 'inquiries_room_key';
}
