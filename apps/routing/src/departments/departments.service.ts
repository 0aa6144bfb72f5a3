import { Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, type Department, type SaveDepartmentCommand, type SaveDepartmentReply } from '@livechat/contracts';
import { DataSource, QueryFailedError } from 'typeorm';
import { AgentsRepository } from '../agents/agents.repository.js';
import { CapacitySignal } from '../assignment/capacity.signal.js';
import { DepartmentsRepository } from './departments.repository.js';

@Injectable()
export class DepartmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly departments: DepartmentsRepository,
    private readonly agents: AgentsRepository,
    private readonly capacity: CapacitySignal,
  ) {}

  resolve(idOrName: string): Promise<string | null> {
    return this.departments.resolve(idOrName);
  }

  list(): Promise<Department[]> {
    return this.departments.list();
  }

  /** Creates or updates a department; `agents`, when given, replaces its members (docs/routing.md). */
  async save(cmd: SaveDepartmentCommand): Promise<SaveDepartmentReply> {
    const reply = await this.dataSource
      .transaction(async (manager) => {
        const fallback = cmd.department.fallbackForwardDepartment;
        if (fallback && (fallback === cmd.departmentId || !(await this.departments.exists(manager, fallback)))) {
          throw new RpcException(ERRORS.invalidDepartment);
        }
        for (const a of cmd.agents ?? []) {
          if (!(await this.agents.exists(manager, a.agentId))) throw new RpcException(ERRORS.invalidAgent);
        }
        const id = await this.departments.save(manager, cmd.departmentId, cmd.department, new Date());
        if (!id) throw new RpcException(ERRORS.invalidDepartment);
        if (cmd.agents) await this.departments.replaceMembers(manager, id, cmd.agents);
        return { department: await this.departments.find(manager, id), agents: await this.departments.members(manager, id) };
      })
      .catch((err: unknown) => {
        if (err instanceof QueryFailedError && (err.driverError as { constraint?: string })?.constraint === 'departments_name_key') {
          throw new RpcException(ERRORS.duplicatedDepartmentName);
        }
        throw err;
      });
    // New members, a raised limit or a new fallback may make agents eligible for waiting rooms.
    this.capacity.changed();
    return reply;
  }
}
