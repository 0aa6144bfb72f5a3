import { Injectable } from '@nestjs/common';
import type { PrepareRoomCommand, PrepareRoomReply } from '@livechat/contracts';
import { DataSource } from 'typeorm';
import { AgentPoolRepository } from '../assignment/agent-pool.repository.js';

/**
 * Whether a new room may open, and where (SPEC §4): Livechat_enabled, the no-agent-online rule
 * (someone available and present in the department, its fallback chain, or anywhere without a
 * department; capacity not counted) and the default department placement.
 */
@Injectable()
export class AdmissionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pools: AgentPoolRepository,
  ) {}

  async prepare(cmd: PrepareRoomCommand): Promise<PrepareRoomReply> {
    const { settings, pool } = await this.pools.load(this.dataSource.manager);
    if (!settings.Livechat_enabled) return { decision: 'disabled' };
    const departmentId = cmd.departmentId ?? (cmd.agentId ? undefined : pool.defaultDepartment());
    const online = departmentId ? pool.servingDepartment(departmentId) !== null : pool.onlineIn();
    if (!online && !settings.Livechat_accept_chats_with_no_agents) return { decision: 'no-agent-online' };
    return departmentId ? { decision: 'open', departmentId } : { decision: 'open' };
  }
}
