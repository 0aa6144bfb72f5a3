import { Inject, Injectable } from '@nestjs/common';
import type { RoutingSettings } from '@livechat/contracts';
import { EntityColumns, PG_POOL, preparedQuery, sql } from '@livechat/common';
import type { Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity.js';
import { DepartmentAgentEntity, DepartmentEntity } from '../departments/department.entity.js';
import { settingsFrom } from '../settings/settings.parser.js';
import { AgentPool, type PoolSnapshot, type WaitingRoom } from './agent-pool.js';

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
  /**
   * The settings, the AgentPool's snapshot (agents, departments, members and per-department load) and
   * who is waiting in the queue, in one statement (one read of the database): every new room and
   * every queue pass needs them. The rows come back as JSON arrays. Outside a transaction it is a
   * prepared statement (planned once per connection).
   */
  private readonly snapshot: { name: string; text: string };

  constructor(dataSource: DataSource, @Inject(PG_POOL) private readonly pool: Pool) {
    const agents = new EntityColumns<AgentEntity>(dataSource.getMetadata(AgentEntity));
    const departments = new EntityColumns<DepartmentEntity>(dataSource.getMetadata(DepartmentEntity));
    const members = new EntityColumns<DepartmentAgentEntity>(dataSource.getMetadata(DepartmentAgentEntity));
    this.snapshot = {
      name: 'routing.pool-snapshot',
      text: `
  SELECT
    (SELECT coalesce(json_agg(s), '[]') FROM (SELECT id, value FROM routing.settings) s) AS settings,
    (SELECT coalesce(json_agg(a), '[]') FROM (
       SELECT ${agents.select(undefined, '', ['id', 'username', 'status', 'statusLivechat', 'maxChats', 'activeChats', 'routedTotal', 'lastRoutedAt'])}
         FROM routing.agents) a) AS agents,
    (SELECT coalesce(json_agg(d ORDER BY d.created_at, d.id), '[]') FROM (
       SELECT ${departments.select(undefined, '', ['id', 'enabled', 'showOnRegistration', 'maxSimultaneousChats', 'fallbackDepartmentId'])}, created_at
         FROM routing.departments) d) AS departments,
    (SELECT coalesce(json_agg(m), '[]') FROM (
       SELECT ${members.select(undefined, '', ['departmentId', 'agentId', 'count', 'order'])} FROM routing.department_agents) m) AS memberships,
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
  }

  /** In a transaction's manager, the snapshot is read on the transaction's connection. */
  async load(manager: EntityManager): Promise<PoolState> {
    const readAt = Date.now();
    const [row] = manager.queryRunner
      ? await sql<SnapshotRow>(manager, this.snapshot.text)
      : await preparedQuery<SnapshotRow>(this.pool, this.snapshot, []);
    const settings = settingsFrom(row.settings);
    const agents = row.agents.map((a) => ({ ...a, lastRoutedAt: a.lastRoutedAt === null ? null : new Date(a.lastRoutedAt) }));
    const departments = row.departments.map(({ created_at: _, ...d }) => d);
    const pool = new AgentPool({ agents, departments, memberships: row.memberships, activeInDepartment: row.activeInDepartment }, settings);
    return { settings, pool, waiting: row.waiting, readAt };
  }
}
