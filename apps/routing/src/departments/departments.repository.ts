import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Department, DepartmentAgent, DepartmentAgentInput, DepartmentInput } from '@livechat/contracts';
import { EntityColumns, randomId, sql } from '@livechat/common';
import type { EntityManager, Repository } from 'typeorm';
import { DepartmentEntity } from './department.entity.js';

type DepartmentRow = DepartmentEntity & { numAgents: number };

@Injectable()
export class DepartmentsRepository {
  /** A department's columns and its number of agents (`numAgents`), for the department as the API answers it. */
  private readonly withAgentCount: string;

  constructor(@InjectRepository(DepartmentEntity) private readonly departments: Repository<DepartmentEntity>) {
    const columns = new EntityColumns<DepartmentEntity>(departments.metadata);
    this.withAgentCount = `${columns.select('d')},
      (SELECT count(*)::int FROM routing.department_agents da WHERE da.department_id = d.id) AS "numAgents"`;
  }

  /** A department by id, else by name (visitors may name theirs either way). */
  async resolve(idOrName: string): Promise<string | null> {
    const department = await this.departments
      .createQueryBuilder('d')
      .select('d.id', 'id')
      .where('d.id = :idOrName OR d.name = :idOrName', { idOrName })
      .orderBy('(d.id = :idOrName)', 'DESC')
      .limit(1)
      .getRawOne<{ id: string }>();
    return department?.id ?? null;
  }

  async exists(manager: EntityManager, id: string): Promise<boolean> {
    return manager.getRepository(DepartmentEntity).existsBy({ id });
  }

  /** Inserts (no id) or updates the department; answers its id, or null when the id is unknown. */
  async save(manager: EntityManager, id: string | undefined, input: DepartmentInput, now: Date): Promise<string | null> {
    const departments = manager.getRepository(DepartmentEntity);
    const fields = {
      name: input.name,
      enabled: input.enabled,
      showOnRegistration: input.showOnRegistration,
      maxSimultaneousChats: input.maxNumberSimultaneousChat ?? 0,
      fallbackDepartmentId: input.fallbackForwardDepartment ?? null,
      updatedAt: now,
    };
    if (id) return ((await departments.update({ id }, fields)).affected ?? 0) > 0 ? id : null;
    const created = randomId();
    await departments.insert({ id: created, ...fields, createdAt: now });
    return created;
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
    const rows: DepartmentRow[] = await sql(manager, `SELECT ${this.withAgentCount} FROM routing.departments d WHERE d.id = $1`, [id]);
    return toDepartment(rows[0]);
  }

  async list(): Promise<Department[]> {
    const rows: DepartmentRow[] = await sql(this.departments.manager,
      `SELECT ${this.withAgentCount} FROM routing.departments d ORDER BY d.created_at, d.id`,
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
