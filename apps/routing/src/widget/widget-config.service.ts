import { Injectable } from '@nestjs/common';
import type { WidgetConfigCommand, WidgetConfigReply } from '@livechat/contracts';
import { DataSource } from 'typeorm';
import { AgentsService } from '../agents/agents.service.js';
import { AgentPoolRepository } from '../assignment/agent-pool.repository.js';
import { DepartmentsRepository } from '../departments/departments.repository.js';

/**
 * routing's part of the widget's bootstrap (docs/api.md#widget-bootstrap `livechat/config`): whether livechat is enabled,
 * whether an agent is online for the visitor's department (available and present, capacity not
 * counted, along its fallback chain; anywhere without a department — the count that the
 * no-agent-online rule), the enabled departments, and the public identity of the visitor's agent.
 * Read from the database at each request, like every routing decision.
 */
@Injectable()
export class WidgetConfigService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pools: AgentPoolRepository,
    private readonly departments: DepartmentsRepository,
    private readonly agents: AgentsService,
  ) {}

  async config(cmd: WidgetConfigCommand): Promise<WidgetConfigReply> {
    const { settings, pool } = await this.pools.load(this.dataSource.manager);
    if (!settings.Livechat_enabled) return { enabled: false, online: false, departments: [] };
    // A department is named by id or by name, as on a visitor; one nobody knows has nobody online.
    const departmentId = cmd.department === undefined ? undefined : await this.departments.resolve(cmd.department);
    const online = departmentId === undefined ? pool.onlineIn() : departmentId !== null && pool.servingDepartment(departmentId) !== null;
    const [departments, agent] = await Promise.all([this.departments.list(), cmd.agentId ? this.agents.get(cmd.agentId) : null]);
    const reply: WidgetConfigReply = {
      enabled: true,
      online,
      departments: departments.filter((d) => d.enabled).map(({ _id, name, showOnRegistration }) => ({ _id, name, showOnRegistration })),
    };
    if (agent) reply.agent = { _id: agent._id, username: agent.username, name: agent.name };
    return reply;
  }
}
