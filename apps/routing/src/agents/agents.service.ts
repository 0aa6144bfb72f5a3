import { Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, type Agent, type AgentLivechatStatus, type AgentPresence, type CreateAgentCommand } from '@livechat/contracts';
import { Outbox } from '@livechat/common';
import { CapacitySignal } from '../assignment/capacity.signal.js';
import { lockDispatch } from '../database/routing-locks.js';
import { requeueDecision } from '../queue/decision-event.js';
import { InquiriesRepository } from '../queue/inquiries.repository.js';
import { AgentsRepository } from './agents.repository.js';

@Injectable()
export class AgentsService {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly inquiries: InquiriesRepository,
    private readonly capacity: CapacitySignal,
    private readonly outbox: Outbox,
  ) {}

  async create(cmd: CreateAgentCommand): Promise<{ user: { _id: string; username: string } }> {
    const agent = await this.agents.upsert(cmd);
    this.capacity.changed();
    return { user: { _id: agent.id, username: agent.username } };
  }

  list(): Promise<Agent[]> {
    return this.agents.list();
  }

  async get(agentId: string): Promise<Agent | null> {
    return (await this.agents.list(agentId))[0] ?? null;
  }

  async setAvailability(agentId: string, statusLivechat: AgentLivechatStatus): Promise<void> {
    if (!(await this.agents.setStatus({ statusLivechat }, agentId))) throw new RpcException(ERRORS.agentNotFound);
    this.capacity.changed();
  }

  async setPresence(agentId: string, status: AgentPresence): Promise<void> {
    if (!(await this.agents.setStatus({ status }, agentId))) throw new RpcException(ERRORS.agentNotFound);
    this.capacity.changed();
  }

  /**
   * Deletes the agent; their open rooms go back to the queue at their original place, and rooms is
   * told (agent: null) so that servedBy never names a deleted agent. Under the dispatch lock, so no
   * pass assigns a room to the agent meanwhile, and with their row locked first, so that a reservation
   * of theirs confirmed meanwhile is requeued here, and one confirmed after finds them gone (and is
   * requeued by ReservationsService).
   */
  async delete(agentId: string): Promise<void> {
    await this.outbox.transaction(async (manager) => {
      await lockDispatch(manager);
      if (!(await this.agents.lockForDelete(manager, agentId))) throw new RpcException(ERRORS.agentNotFound);
      const requeued = await this.inquiries.requeueAgent(manager, agentId);
      const now = new Date();
      await this.outbox.add(manager, requeued.map((i) => requeueDecision(i.roomId, i.departmentId, i.version, now)));
      await this.agents.delete(manager, agentId);
    });
    this.capacity.changed();
  }
}
