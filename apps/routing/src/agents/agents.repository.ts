import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Agent, AgentLivechatStatus, AgentPresence, CreateAgentCommand } from '@livechat/contracts';
import { EntityColumns, randomId, sql } from '@livechat/common';
import type { EntityManager, Repository } from 'typeorm';
import { AgentEntity } from './agent.entity.js';

type AgentRow = AgentEntity & { departments: string[] };

@Injectable()
export class AgentsRepository {
  private readonly columns: EntityColumns<AgentEntity>;

  constructor(@InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>) {
    this.columns = new EntityColumns(agents.metadata);
  }

  /** Creates the agent, or updates the one with that username (adding an agent twice is harmless). */
  async upsert(cmd: CreateAgentCommand): Promise<{ id: string; username: string }> {
    const rows = await sql<{ id: string; username: string }>(this.agents.manager,
      `INSERT INTO routing.agents (id, username, name, max_chats) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO UPDATE SET name = COALESCE(EXCLUDED.name, agents.name),
                                            max_chats = COALESCE(EXCLUDED.max_chats, agents.max_chats)
       RETURNING id, username`,
      [randomId(), cmd.username, cmd.name ?? null, cmd.maxChats ?? null],
    );
    return rows[0];
  }

  async list(agentId?: string): Promise<Agent[]> {
    const rows: AgentRow[] = await sql(this.agents.manager,
      `SELECT ${this.columns.select('a')},
              COALESCE(array_agg(da.department_id ORDER BY da.department_id) FILTER (WHERE da.department_id IS NOT NULL), '{}') AS departments
         FROM routing.agents a LEFT JOIN routing.department_agents da ON da.agent_id = a.id
        WHERE $1::text IS NULL OR a.id = $1
        GROUP BY a.id ORDER BY a.username`,
      [agentId ?? null],
    );
    return rows.map(toAgent);
  }

  async exists(manager: EntityManager, agentId: string): Promise<boolean> {
    return (await manager.getRepository(AgentEntity).existsBy({ id: agentId }));
  }

  /**
   * Locks the agent's row for deleting it (FOR UPDATE), until the transaction ends: a confirmation of a
   * reservation of theirs (FOR KEY SHARE) waits, then finds them gone. Answers false for an unknown agent.
   */
  async lockForDelete(manager: EntityManager, agentId: string): Promise<boolean> {
    const agent = await manager.getRepository(AgentEntity).findOne({ select: { id: true }, where: { id: agentId }, lock: { mode: 'pessimistic_write' } });
    return agent !== null;
  }

  /** Sets availability or presence; answers false for an unknown agent. */
  async setStatus(change: { statusLivechat: AgentLivechatStatus } | { status: AgentPresence }, agentId: string): Promise<boolean> {
    const result = await this.agents.update({ id: agentId }, change);
    return (result.affected ?? 0) > 0;
  }

  async delete(manager: EntityManager, agentId: string): Promise<boolean> {
    const result = await manager.getRepository(AgentEntity).delete({ id: agentId });
    return (result.affected ?? 0) > 0;
  }
}

/** docs/api.md#agents: every field always present (no name: the username; no limit of their own: 0). */
function toAgent(row: AgentRow): Agent {
  return {
    _id: row.id,
    username: row.username,
    name: displayName(row),
    status: row.status,
    statusLivechat: row.statusLivechat,
    maxChats: row.maxChats ?? 0,
    activeChats: row.activeChats,
    departments: row.departments,
  };
}

/** An agent's name as every answer shows it: their username when they were created without one. */
export function displayName(agent: { username: string; name: string | null }): string {
  return agent.name || agent.username;
}
