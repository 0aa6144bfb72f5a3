import { Inject, Injectable } from '@nestjs/common';
import type { RoutingSettings } from '@livechat/contracts';
import { PG_POOL, preparedQuery, sql } from '@livechat/common';
import type { Pool } from 'pg';
import type { EntityManager } from 'typeorm';
import { settingsFrom } from '../settings/settings.service.js';
import { AgentPool, type PoolSnapshot, type WaitingRoom } from './agent-pool.js';

/**
 * The settings, the AgentPool's snapshot (agents, departments, members and per-department load) and
 * who is waiting in the queue, in one round trip: every new room and every queue pass needs them. The
 * rows come back as JSON arrays. Outside a transaction it is a prepared statement (planned once per
 * connection).
 */
const SNAPSHOT = {
  name: 'routing.pool-snapshot',
  text: `
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
    -- Only needed when a department limits its agents' chats. Reserved rooms hold capacity too.
    (SELECT coalesce(json_agg(x), '[]') FROM (
       SELECT agent_id AS "agentId", department_id AS "departmentId", count(*)::int AS active
         FROM routing.inquiries
        WHERE status IN ('reserved', 'taken') AND department_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM routing.departments WHERE max_simultaneous_chats > 0)
        GROUP BY 1, 2) x) AS "activeInDepartment",
    -- Who waits, as far as serving them goes: each department with a waiting room (an index probe per
    -- department, whatever the queue's length), and each preferred agent a waiting room asks for.
    (SELECT coalesce(json_agg(w), '[]') FROM (
       SELECT d.id AS "departmentId", NULL AS "preferredAgentId" FROM routing.departments d
        WHERE EXISTS (SELECT 1 FROM routing.inquiries i WHERE i.status = 'queued' AND i.department_id = d.id)
       UNION ALL
       SELECT NULL, NULL WHERE EXISTS (SELECT 1 FROM routing.inquiries i WHERE i.status = 'queued' AND i.department_id IS NULL)
       UNION ALL
       SELECT DISTINCT department_id, preferred_agent_id FROM routing.inquiries
        WHERE status = 'queued' AND preferred_agent_id IS NOT NULL) w) AS waiting`,
};

interface SnapshotRow {
  settings: { id: string; value: unknown }[];
  agents: (Omit<PoolSnapshot['agents'][number], 'lastRoutedAt'> & { lastRoutedAt: string | null })[];
  departments: (PoolSnapshot['departments'][number] & { created_at?: string })[];
  memberships: PoolSnapshot['memberships'];
  activeInDepartment: PoolSnapshot['activeInDepartment'];
  waiting: WaitingRoom[];
}

export interface PoolState {
  settings: RoutingSettings;
  pool: AgentPool;
  /** The queue's rooms, by department and preferred agent (each pair once). */
  waiting: WaitingRoom[];
  /** When the snapshot was asked for (Date.now()): it holds what had committed by then. */
  readAt: number;
}

@Injectable()
export class AgentPoolRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** In a transaction's manager, the snapshot is read on the transaction's connection. */
  async load(manager: EntityManager): Promise<PoolState> {
    const readAt = Date.now();
    const [row] = manager.queryRunner
      ? await sql<SnapshotRow>(manager, SNAPSHOT.text)
      : await preparedQuery<SnapshotRow>(this.pool, SNAPSHOT, []);
    const settings = settingsFrom(row.settings);
    const agents = row.agents.map((a) => ({ ...a, lastRoutedAt: a.lastRoutedAt === null ? null : new Date(a.lastRoutedAt) }));
    const departments = row.departments.map(({ created_at: _, ...d }) => d);
    const pool = new AgentPool({ agents, departments, memberships: row.memberships, activeInDepartment: row.activeInDepartment }, settings);
    return { settings, pool, waiting: row.waiting, readAt };
  }
}
