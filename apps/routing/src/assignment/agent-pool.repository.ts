import { Injectable } from '@nestjs/common';
import type { RoutingSettings } from '@livechat/contracts';
import { sql } from '@livechat/common';
import type { EntityManager } from 'typeorm';
import { AgentPool, type PoolSnapshot } from './agent-pool.js';

/** Loads the AgentPool's snapshot: agents, departments, members and per-department load. */
@Injectable()
export class AgentPoolRepository {
  async load(manager: EntityManager, settings: RoutingSettings): Promise<AgentPool> {
    // One after the other: in a transaction they share one connection.
    const agents = await sql<PoolSnapshot['agents'][number]>(
      manager,
      `SELECT id, username, status, status_livechat AS "statusLivechat", max_chats AS "maxChats",
              active_chats AS "activeChats", routed_total AS "routedTotal", last_routed_at AS "lastRoutedAt"
         FROM routing.agents`,
    );
    const departments = await sql<PoolSnapshot['departments'][number]>(
      manager,
      `SELECT id, enabled, show_on_registration AS "showOnRegistration",
              max_simultaneous_chats AS "maxSimultaneousChats", fallback_department_id AS "fallbackDepartmentId"
         FROM routing.departments ORDER BY created_at, id`,
    );
    const memberships = await sql<PoolSnapshot['memberships'][number]>(
      manager,
      `SELECT department_id AS "departmentId", agent_id AS "agentId", count, "order" FROM routing.department_agents`,
    );
    const limited = departments.some((d) => d.maxSimultaneousChats > 0);
    const activeInDepartment = limited
      ? await sql<PoolSnapshot['activeInDepartment'][number]>(
          manager,
          `SELECT agent_id AS "agentId", department_id AS "departmentId", count(*)::int AS active
             FROM routing.inquiries WHERE status = 'taken' AND department_id IS NOT NULL GROUP BY 1, 2`,
        )
      : [];
    return new AgentPool({ agents, departments, memberships, activeInDepartment }, settings);
  }
}
