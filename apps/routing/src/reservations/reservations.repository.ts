import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL, preparedQuery, sql } from '@livechat/common';
import type { Pool } from 'pg';
import { DataSource, In, Raw, type EntityManager } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity.js';
import { InquiryEntity } from '../queue/inquiry.entity.js';

export interface NewReservation {
  inquiryId: string;
  roomId: string;
  agentId: string;
  /** The agent's limit (0 = none). */
  capacity: number;
  /** The department that serves the room, and its per-agent limit (0 = none). */
  departmentId: string | null;
  departmentCap: number;
  preferredAgentId: string | null;
  name: string;
  visitor: { _id: string; username: string; token: string };
  queuedAt: Date;
  ttlMs: number;
}

/** A reserved inquiry, locked by the caller's transaction. */
export type ReservedRow = Pick<InquiryEntity, 'id' | 'roomId' | 'agentId' | 'departmentId' | 'version'>;

/**
 * Takes one agent's capacity for a room id that rooms has not inserted yet, and records the
 * reservation (the inquiry, `reserved`, version 1, its deadline on the database's clock), in one
 * statement: both or neither. The agent's limit holds whatever other replicas do (the conditional
 * UPDATE of their row); the department's per-agent limit is counted on its reserved and taken rooms,
 * which is exact only when the agent's row is locked before the statement starts (see `reserve`).
 */
const RESERVE = {
  name: 'routing.reserve',
  text: `
  WITH within_department AS MATERIALIZED (
    SELECT $5::int = 0 OR (SELECT count(*) FROM routing.inquiries
                            WHERE agent_id = $1 AND department_id = $4 AND status IN ('reserved', 'taken')) < $5 AS ok
  ), agent AS (
    UPDATE routing.agents SET active_chats = active_chats + 1, routed_total = routed_total + 1, last_routed_at = now()
     WHERE id = $1 AND ($2::int = 0 OR active_chats < $2) AND (SELECT ok FROM within_department)
    RETURNING id, username
  ), member AS (
    UPDATE routing.department_agents SET count = count + 1 WHERE department_id = $4 AND agent_id = (SELECT id FROM agent)
  ), inquiry AS (
    INSERT INTO routing.inquiries (id, room_id, status, department_id, preferred_agent_id, agent_id, name, visitor, ts, queued_at,
                                   taken_at, version, reserved_until)
    SELECT $3, $6, 'reserved', $4, $7, agent.id, $8, $9::jsonb, $10, $10, now(), 1,
           date_trunc('milliseconds', now() + make_interval(secs => $11::double precision / 1000))
      FROM agent
    RETURNING reserved_until
  )
  SELECT agent.username, inquiry.reserved_until AS deadline FROM agent, inquiry`,
};

/**
 * Reserved → taken for rooms rooms inserted served by the reserved agent, in one statement, while the
 * agent still exists (FOR KEY SHARE: an agent being deleted is waited for, and then not found). Its
 * commit does not wait for the disk: were it lost in a crash, the reservation would be reserved again
 * and the sweeper would confirm it from rooms' answer.
 */
const CONFIRM = {
  name: 'routing.confirm-reservations',
  text: `
  WITH async AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))
  UPDATE routing.inquiries AS i SET status = 'taken', reserved_until = NULL
    FROM unnest($1::text[], $2::text[]) AS c(room_id, agent_id), async
   WHERE i.room_id = c.room_id AND i.status = 'reserved' AND i.agent_id = c.agent_id
     AND EXISTS (SELECT 1 FROM routing.agents a WHERE a.id = c.agent_id FOR KEY SHARE)
  RETURNING i.room_id AS "roomId"`,
};

@Injectable()
export class ReservationsRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  /**
   * Answers the agent's username and the deadline, or null when the agent has no capacity left (another
   * replica took it, or they are gone). Without a department limit this is one statement. With one, the
   * agent's row is locked first, in a transaction, so that the count of their rooms in the department
   * sees every other assignment of theirs: each of those holds the same row lock until it commits.
   */
  async reserve(r: NewReservation): Promise<{ username: string; deadline: Date } | null> {
    const params = [
      r.agentId, r.capacity, r.inquiryId, r.departmentId, r.departmentCap, r.roomId, r.preferredAgentId, r.name,
      JSON.stringify(r.visitor), r.queuedAt, r.ttlMs,
    ];
    if (r.departmentCap === 0) {
      const [row] = await preparedQuery<{ username: string; deadline: Date }>(this.pool, RESERVE, params);
      return row ?? null;
    }
    return this.dataSource.transaction(async (manager) => {
      // NO KEY UPDATE: the lock every capacity change of the agent takes; it lets confirmations (KEY SHARE) through.
      await sql(manager, `SELECT 1 FROM routing.agents WHERE id = $1 FOR NO KEY UPDATE`, [r.agentId]);
      const [row] = await sql<{ username: string; deadline: Date }>(manager, RESERVE.text, params);
      return row ?? null;
    });
  }

  /**
   * The reservation already made for this room id, if it is still pending: what a repeated admission
   * of the same room (rooms asks again when a reply was lost with a NATS node) answers.
   */
  async pending(roomId: string): Promise<{ agentId: string; username: string; departmentId: string | null; version: number; deadline: Date } | null> {
    const [row] = await sql<{ agentId: string; username: string; departmentId: string | null; version: number; deadline: Date }>(this.dataSource.manager,
      `SELECT i.agent_id AS "agentId", a.username, i.department_id AS "departmentId", i.version, i.reserved_until AS deadline
         FROM routing.inquiries i JOIN routing.agents a ON a.id = i.agent_id
        WHERE i.room_id = $1 AND i.status = 'reserved'`,
      [roomId],
    );
    return row ?? null;
  }

  /** Confirms the reservations of rooms inserted served by their reserved agent; answers the rooms confirmed. */
  async confirm(served: { roomId: string; agentId: string }[]): Promise<Set<string>> {
    if (served.length === 0) return new Set();
    const rows = await preparedQuery<{ roomId: string }>(this.pool, CONFIRM, [served.map((s) => s.roomId), served.map((s) => s.agentId)]);
    return new Set(rows.map((r) => r.roomId));
  }

  /** Reservations past their deadline (the database's clock), oldest first. */
  async due(limit: number): Promise<{ roomId: string; deadline: Date }[]> {
    const rows = await this.dataSource.getRepository(InquiryEntity).find({
      select: { roomId: true, reservedUntil: true },
      where: { status: 'reserved', reservedUntil: Raw((column) => `${column} < now()`) },
      order: { reservedUntil: 'ASC' },
      take: limit,
    });
    return rows.map((r) => ({ roomId: r.roomId, deadline: r.reservedUntil! }));
  }

  /**
   * Locks the inquiries of these rooms that are still reserved, until the transaction ends; a
   * concurrent transition of the same reservation waits, then finds it no longer reserved.
   */
  async lockReserved(manager: EntityManager, roomIds: string[]): Promise<ReservedRow[]> {
    if (roomIds.length === 0) return [];
    return manager.getRepository(InquiryEntity).find({
      select: { id: true, roomId: true, agentId: true, departmentId: true, version: true },
      where: { roomId: In(roomIds), status: 'reserved' },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Which of these agents still exist, each held (FOR KEY SHARE) against deletion until the transaction ends. */
  async existingAgents(manager: EntityManager, agentIds: string[]): Promise<Set<string>> {
    if (agentIds.length === 0) return new Set();
    const rows = await manager.getRepository(AgentEntity).find({
      select: { id: true },
      where: { id: In([...new Set(agentIds)]) },
      order: { id: 'ASC' },
      lock: { mode: 'for_key_share' },
    });
    return new Set(rows.map((r) => r.id));
  }

  async markTaken(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.getRepository(InquiryEntity).update({ id: In(ids) }, { status: 'taken', reservedUntil: null });
  }

  /**
   * Reserved → queued, as the room now is. `bump`: the room was served by an agent deleted meanwhile;
   * its next decision is a new version. Otherwise rooms opened it without the reservation's agent, its
   * version 1 was never applied anywhere, and the room starts again from version 0 (its first
   * assignment will be version 1, as for any queued room).
   */
  async requeue(
    manager: EntityManager,
    rows: { id: string; departmentId: string | null; name: string; visitor: object; ts: Date; queuedAt: Date; bump: boolean }[],
  ): Promise<{ id: string; version: number }[]> {
    if (rows.length === 0) return [];
    return sql(manager,
      `UPDATE routing.inquiries AS i
          SET status = 'queued', agent_id = NULL, taken_at = NULL, reserved_until = NULL, department_id = q.department_id,
              name = q.name, visitor = q.visitor, ts = q.ts, queued_at = q.queued_at,
              version = CASE WHEN q.bump THEN i.version + 1 ELSE 0 END
         FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::timestamptz[], $6::timestamptz[], $7::bool[])
              AS q(id, department_id, name, visitor, ts, queued_at, bump)
        WHERE i.id = q.id
        RETURNING i.id, i.version`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.departmentId),
        rows.map((r) => r.name),
        rows.map((r) => JSON.stringify(r.visitor)),
        rows.map((r) => r.ts),
        rows.map((r) => r.queuedAt),
        rows.map((r) => r.bump),
      ],
    );
  }

  /** Forgets reservations whose room will never exist. */
  async remove(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.getRepository(InquiryEntity).delete({ id: In(ids) });
  }

  /** Makes the caller's transaction commit without waiting for the disk (its loss must be provably harmless). */
  async commitWithoutWaiting(manager: EntityManager): Promise<void> {
    await sql(manager, `SELECT set_config('synchronous_commit', 'off', true)`);
  }
}
