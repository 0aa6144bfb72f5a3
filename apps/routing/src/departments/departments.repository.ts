import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Department, DepartmentAgent, DepartmentAgentInput, DepartmentInput } from '@livechat/contracts';
import { randomId, sql } from '@livechat/common';
import type { EntityManager, Repository } from 'typeorm';
import { DepartmentEntity } from './department.entity.js';

const DEPARTMENT_COLUMNS = `d.id, d.name, d.enabled, d.show_on_registration AS "showOnRegistration",
  d.max_simultaneous_chats AS "maxSimultaneousChats", d.fallback_department_id AS "fallbackDepartmentId",
  d.updated_at AS "updatedAt", (SELECT count(*)::int FROM routing.department_agents da WHERE da.department_id = d.id) AS "numAgents"`;

type DepartmentRow = DepartmentEntity & { numAgents: number };

@Injectable()
export class DepartmentsRepository {
  constructor(@InjectRepository(DepartmentEntity) private readonly departments: Repository<DepartmentEntity>) {}

  /** A department by id, else by name (visitors may name theirs either way). */
  async resolve(idOrName: string): Promise<string | null> {
    const rows: { id: string }[] = await sql(this.departments.manager,
      `SELECT id FROM routing.departments WHERE id = $1 OR name = $1 ORDER BY (id = $1) DESC LIMIT 1`,
      [idOrName],
    );
    return rows[0]?.id ?? null;
  }

  async exists(manager: EntityManager, id: string): Promise<boolean> {
    return manager.getRepository(DepartmentEntity).existsBy({ id });
  }

  /** Inserts (no id) or updates the department; answers its id, or null when the id is unknown. */
  async save(manager: EntityManager, id: string | undefined, input: DepartmentInput, now: Date): Promise<string | null> {
    const values = [
      input.name,
      input.enabled,
      input.showOnRegistration,
      input.maxNumberSimultaneousChat ?? 0,
      input.fallbackForwardDepartment ?? null,
      now,
    ];
    const rows: { id: string }[] = id
      ? await sql(manager,
          `UPDATE routing.departments SET name = $2, enabled = $3, show_on_registration = $4, max_simultaneous_chats = $5,
                  fallback_department_id = $6, updated_at = $7 WHERE id = $1 RETURNING id`,
          [id, ...values],
        )
      : await sql(manager,
          `INSERT INTO routing.departments (id, name, enabled, show_on_registration, max_simultaneous_chats,
                  fallback_department_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
          [randomId(), ...values],
        );
    return rows[0]?.id ?? null;
  }

  /** Makes the members exactly `agents`; a member's count and order are kept unless given. */
  async replaceMembers(manager: EntityManager, departmentId: string, agents: DepartmentAgentInput[]): Promise<void> {
    await sql(manager, `DELETE FROM routing.department_agents WHERE department_id = $1 AND NOT (agent_id = ANY($2::text[]))`, [
      departmentId,
      agents.map((a) => a.agentId),
    ]);
    for (const a of agents) {
      await sql(manager,
        `INSERT INTO routing.department_agents (id, department_id, agent_id, count, "order")
         VALUES ($1, $2, $3, COALESCE($4, 0), COALESCE($5, 0))
         ON CONFLICT (department_id, agent_id) DO UPDATE SET
           count = COALESCE($4, department_agents.count), "order" = COALESCE($5, department_agents."order")`,
        [randomId(), departmentId, a.agentId, a.count ?? null, a.order ?? null],
      );
    }
  }

  async find(manager: EntityManager, id: string): Promise<Department> {
    const rows: DepartmentRow[] = await sql(manager, `SELECT ${DEPARTMENT_COLUMNS} FROM routing.departments d WHERE d.id = $1`, [id]);
    return toDepartment(rows[0]);
  }

  async list(): Promise<Department[]> {
    const rows: DepartmentRow[] = await sql(this.departments.manager,
      `SELECT ${DEPARTMENT_COLUMNS} FROM routing.departments d ORDER BY d.created_at, d.id`,
    );
    return rows.map(toDepartment);
  }

  members(manager: EntityManager, departmentId: string): Promise<DepartmentAgent[]> {
    return sql(manager,
      `SELECT da.id AS "_id", da.agent_id AS "agentId", da.department_id AS "departmentId", a.username, da.count, da."order" AS "order"
         FROM routing.department_agents da JOIN routing.agents a ON a.id = da.agent_id
        WHERE da.department_id = $1 ORDER BY da."order", a.username`,
      [departmentId],
    );
  }
}

function toDepartment(row: DepartmentRow): Department {
  const department: Department = {
    _id: row.id,
    name: row.name,
    enabled: row.enabled,
    showOnRegistration: row.showOnRegistration,
    numAgents: row.numAgents,
    _updatedAt: row.updatedAt.toISOString(),
  };
  if (row.maxSimultaneousChats > 0) department.maxNumberSimultaneousChat = row.maxSimultaneousChats;
  if (row.fallbackDepartmentId) department.fallbackForwardDepartment = row.fallbackDepartmentId;
  return department;
}
