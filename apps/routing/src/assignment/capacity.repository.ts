import { Injectable } from '@nestjs/common';
import { sql } from '@livechat/common';
import type { EntityManager } from 'typeorm';

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
}
