import { Injectable } from '@nestjs/common';
import type { RoutingSettings } from '@livechat/contracts';
import { sql } from '@livechat/common';
import type { EntityManager } from 'typeorm';
import { settingsFrom } from '../settings/settings.service.js';
import { AgentPool, type PoolSnapshot } from './agent-pool.js';

/**
 * The settings and the AgentPool's snapshot (agents, departments, members and per-department load)
 * in one round trip: every new room and every queue pass needs both, so each one-query-per-table
 * load cost several round trips on the way to an agent. The rows come back as JSON arrays.
 */
const SNAPSHOT = `
  SELECT
    (SELECT coalesce(json_agg(s), '[]') FROM (SELECT id, value FROM routing.settings) s) AS settings,
    (SELECT coalesce(json_agg(a), '[]') FROM (
       SELECT id, username, status, status_livechat AS "statusLivechat", max_chats AS "maxChats",
              active_chats AS "activeChats", routed_total AS "routedTotal", last_routed_at AS "lastRoutedAt"
         FROM routing.agents) a) AS agents,
    (SELECT coalesce(json_agg(d ORDER BY d.created_at, d.id), '[]') FROM (
       SELECT id, enabled, show_on_registration AS "showOnRegistration", max_simultaneous_chats AS "maxSimultaneousChats",
              fallback_department_id AS "fallbackDepartmentId", created_at
         FROM routing.departments) d) AS departments,
    (SELECT coalesce(json_agg(m), '[]') FROM (
       SELECT department_id AS "departmentId", agent_id AS "agentId", count, "order" FROM routing.department_agents) m) AS memberships,
    -- Only needed when a department limits its agents' chats.
    (SELECT coalesce(json_agg(x), '[]') FROM (
       SELECT agent_id AS "agentId", department_id AS "departmentId", count(*)::int AS active
         FROM routing.inquiries
        WHERE status = 'taken' AND department_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM routing.departments WHERE max_simultaneous_chats > 0)
        GROUP BY 1, 2) x) AS "activeInDepartment"`;

interface SnapshotRow {
  settings: { id: string; value: unknown }[];
  agents: (Omit<PoolSnapshot['agents'][number], 'lastRoutedAt'> & { lastRoutedAt: string | null })[];
  departments: (PoolSnapshot['departments'][number] & { created_at?: string })[];
  memberships: PoolSnapshot['memberships'];
  activeInDepartment: PoolSnapshot['activeInDepartment'];
}

@Injectable()
export class AgentPoolRepository {
  /** In a transaction's manager, the snapshot is read on the transaction's connection. */
  async load(manager: EntityManager): Promise<{ settings: RoutingSettings; pool: AgentPool }> {
    const [row] = await sql<SnapshotRow>(manager, SNAPSHOT);
    const settings = settingsFrom(row.settings);
    const agents = row.agents.map((a) => ({ ...a, lastRoutedAt: a.lastRoutedAt === null ? null : new Date(a.lastRoutedAt) }));
    const departments = row.departments.map(({ created_at: _, ...d }) => d);
    const pool = new AgentPool({ agents, departments, memberships: row.memberships, activeInDepartment: row.activeInDepartment }, settings);
    return { settings, pool };
  }
}
