import { Injectable } from '@nestjs/common';
import { sql } from '@livechat/common';
import { In, type EntityManager } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity.js';

/** Capacity an agent gets back: a room that closed, or a reservation rooms did not use. */
export interface Released {
  agentId: string;
  departmentId: string | null;
  /**
   * The room was never routed to the agent (an unused reservation): their routed counts (in total and
   * in the department, Auto_Selection's measure) go back down too. `last_routed_at` stays.
   */
  unroute: boolean;
}

@Injectable()
export class CapacityRepository {
  /** Gives the capacity back, in the caller's transaction; one statement for the lot. */
  async release(manager: EntityManager, released: Released[]): Promise<void> {
    if (released.length === 0) return;
    await sql(manager,
      `WITH r AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bool[]) AS r(agent_id, department_id, unroute)),
       agents AS (
         UPDATE routing.agents AS a
            SET active_chats = greatest(a.active_chats - x.n, 0), routed_total = greatest(a.routed_total - x.unrouted, 0)
           FROM (SELECT agent_id, count(*)::int AS n, (count(*) FILTER (WHERE unroute))::int AS unrouted FROM r GROUP BY 1) AS x
          WHERE a.id = x.agent_id
       )
       UPDATE routing.department_agents AS m SET count = greatest(m.count - x.unrouted, 0)
         FROM (SELECT agent_id, department_id, count(*)::int AS unrouted FROM r WHERE unroute AND department_id IS NOT NULL GROUP BY 1, 2) AS x
        WHERE m.agent_id = x.agent_id AND m.department_id = x.department_id`,
      [released.map((r) => r.agentId), released.map((r) => r.departmentId), released.map((r) => r.unroute)],
    );
  }

  /**
   * Takes each agent's share of new rooms from their capacity, in one conditional UPDATE: never above
   * their limit (`cap`, 0 for none), whatever other replicas do; an agent whose limit no longer allows
   * all of their share takes none of it. Counts the rooms as routed to them at `at`. Answers the agents
   * who took their share, with their usernames.
   */
  async take(manager: EntityManager, shares: { agentId: string; count: number; cap: number }[], at: Date): Promise<{ id: string; username: string }[]> {
    return sql(manager,
      `UPDATE routing.agents AS a
          SET active_chats = a.active_chats + s.count, routed_total = a.routed_total + s.count, last_routed_at = $4
         FROM unnest($1::text[], $2::int[], $3::int[]) AS s(id, count, cap)
        WHERE a.id = s.id AND (s.cap = 0 OR a.active_chats + s.count <= s.cap)
        RETURNING a.id, a.username`,
      [shares.map((s) => s.agentId), shares.map((s) => s.count), shares.map((s) => s.cap), at],
    );
  }

  /** Counts each room as routed to its agent in its department (Auto_Selection's measure), one statement for the lot. */
  async countRouted(manager: EntityManager, routed: { agentId: string; departmentId: string }[]): Promise<void> {
    if (routed.length === 0) return;
    await sql(manager,
      `UPDATE routing.department_agents AS m SET count = m.count + s.count
         FROM (SELECT department_id, agent_id, count(*)::int AS count
                 FROM unnest($1::text[], $2::text[]) AS p(department_id, agent_id) GROUP BY 1, 2) AS s
        WHERE m.department_id = s.department_id AND m.agent_id = s.agent_id`,
      [routed.map((r) => r.departmentId), routed.map((r) => r.agentId)],
    );
  }

  /**
   * Locks the agents' rows (the lock every capacity change of theirs takes) until the transaction
   * ends, then answers their reserved and taken rooms per department: counted after the lock, so
   * every other assignment of theirs has committed or waits.
   */
  async lockAndCountByDepartment(manager: EntityManager, agentIds: string[]): Promise<{ agentId: string; departmentId: string; active: number }[]> {
    await manager.getRepository(AgentEntity).find({
      select: { id: true },
      where: { id: In([...new Set(agentIds)]) },
      order: { id: 'ASC' },
      lock: { mode: 'for_no_key_update' },
    });
    return sql(manager,
      `SELECT agent_id AS "agentId", department_id AS "departmentId", count(*)::int AS active FROM routing.inquiries
        WHERE status IN ('reserved', 'taken') AND agent_id = ANY($1::text[]) AND department_id IS NOT NULL GROUP BY 1, 2`,
      [agentIds],
    );
  }
}
