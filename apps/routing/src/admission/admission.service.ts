import { Injectable } from '@nestjs/common';
import type { AdmitRoomCommand, AdmitRoomReply } from '@livechat/contracts';
import { DataSource } from 'typeorm';
import { AgentPoolRepository } from '../assignment/agent-pool.repository.js';
import { CapacitySignal } from '../assignment/capacity.signal.js';
import { STRATEGIES } from '../assignment/strategies.js';
import { ReservationsService } from '../reservations/reservations.service.js';

/**
 * Whether a new room may open, where, and who serves it (docs/api.md#getting-or-opening-a-room): Livechat_enabled, the
 * no-agent-online rule (someone available and present in the department, its fallback chain, or
 * anywhere without a department; capacity not counted), the default department placement, and, when
 * an agent can serve it now, a reservation of that agent's capacity for the room (served at once).
 * A new room is not served at once while a room already waiting could be served (docs/guarantees.md#5-the-queue-drains-in-order): it
 * waits in the queue behind it, and a queue pass is asked for.
 */
@Injectable()
export class AdmissionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pools: AgentPoolRepository,
    private readonly reservations: ReservationsService,
    private readonly capacity: CapacitySignal,
  ) {}

  async admit(cmd: AdmitRoomCommand): Promise<AdmitRoomReply> {
    const state = await this.pools.load(this.dataSource.manager);
    const { settings, pool } = state;
    if (!settings.Livechat_enabled) return { verdict: 'disabled' };
    const departmentId = cmd.departmentId ?? (cmd.agentId ? undefined : pool.defaultDepartment());
    const online = departmentId ? pool.servingDepartment(departmentId) !== null : pool.onlineIn();
    if (!online && !settings.Livechat_accept_chats_with_no_agents) return { verdict: 'no-agent-online' };
    const queued: AdmitRoomReply = departmentId ? { verdict: 'open', departmentId } : { verdict: 'open' };
    const strategy = STRATEGIES[settings.Livechat_Routing_Method];
    // Manual_Selection serves nothing at once, not even a preferred agent (the reference queues such a
    // room too): the queue gives the room to that agent, or an operator takes it.
    if (!strategy.automatic) return queued;
    if (pool.canServeAnyOf(strategy, state.waiting)) {
      this.capacity.changed();
      return queued;
    }
    const served = await this.reservations.reserve(state, cmd, departmentId);
    return served ? { verdict: 'open', ...served } : queued;
  }
}
