import { Injectable } from '@nestjs/common';
import type { RoutingSettings } from '@livechat/contracts';
import type { EntityManager } from 'typeorm';
import { AgentPool, type PoolSnapshot } from './agent-pool.js';

/** Loads the AgentPool's snapshot: agents, departments, members and per-department load. */
@Injectable()
export class AgentPoolRepository {
  async load(manager: EntityManager, settings: RoutingSettings): Promise<AgentPool> {
    const [agents, departments, memberships] = await Promise.all([
      manager.query(
        `SELECT id, username, status, status_livechat AS "statusLivechat", max_chats AS "maxChats",
                active_chats AS "activeChats", routed_total AS "routedTotal", last_routed_at AS "lastRoutedAt"
           FROM routing.agents`,
      ),
      manager.query(
        `SELECT id, enabled, show_on_registration AS "showOnRegistration",
                max_simultaneous_chats AS "maxSimultaneousChats", fallback_department_id AS "fallbackDepartmentId"
           FROM routing.departments ORDER BY created_at, id`,
      ),
      manager.query(
        `SELECT department_id AS "departmentId", agent_id AS "agentId", count, "order" FROM routing.department_agents`,
      ),
    ]);
    const limited = (departments as PoolSnapshot['departments']).some((d) => d.maxSimultaneousChats > 0);
    const activeInDepartment: PoolSnapshot['activeInDepartment'] = limited
      ? await manager.query(
          `SELECT agent_id AS "agentId", department_id AS "departmentId", count(*)::int AS active
             FROM routing.inquiries WHERE status = 'taken' AND department_id IS NOT NULL GROUP BY 1, 2`,
        )
      : [];
    return new AgentPool({ agents, departments, memberships, activeInDepartment }, settings);
  }
}
