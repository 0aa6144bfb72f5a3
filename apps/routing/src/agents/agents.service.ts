import { Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, type Agent, type AgentLivechatStatus, type AgentPresence, type CreateAgentCommand } from '@livechat/contracts';
import { Outbox } from '@livechat/common';
import { DataSource } from 'typeorm';
import { lockDispatch } from '../database/routing-locks.js';
import { agentSelected } from '../queue/decision-event.js';
import { InquiriesRepository } from '../queue/inquiries.repository.js';
import { QueueDispatcher } from '../queue/queue.dispatcher.js';
import { AgentsRepository } from './agents.repository.js';

@Injectable()
export class AgentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly agents: AgentsRepository,
    private readonly inquiries: InquiriesRepository,
    private readonly queue: QueueDispatcher,
    private readonly outbox: Outbox,
  ) {}

  async create(cmd: CreateAgentCommand): Promise<{ user: { _id: string; username: string } }> {
    const agent = await this.agents.upsert(cmd);
    this.queue.request();
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
    this.queue.request();
  }

  async setPresence(agentId: string, status: AgentPresence): Promise<void> {
    if (!(await this.agents.setStatus({ status }, agentId))) throw new RpcException(ERRORS.agentNotFound);
    this.queue.request();
  }

  /**
   * Deletes the agent; their open rooms go back to the queue at their original place, and rooms is
   * told (agent: null) so that servedBy never names a deleted agent. Under the dispatch lock, so no
   * pass assigns a room to the agent meanwhile, and with their row locked first, so that a reservation
   * of theirs confirmed meanwhile is requeued here, and one confirmed after finds them gone (and is
   * requeued by ReservationsService).
   */
  async delete(agentId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await lockDispatch(manager);
      if (!(await this.agents.lockForDelete(manager, agentId))) throw new RpcException(ERRORS.agentNotFound);
      const requeued = await this.inquiries.requeueAgent(manager, agentId);
      const now = new Date();
      await this.outbox.add(manager, requeued.map((i) => agentSelected(i.roomId, null, i.departmentId, i.version, now)));
      await this.agents.delete(manager, agentId);
    });
    this.outbox.flush();
    this.queue.request();
  }
}
