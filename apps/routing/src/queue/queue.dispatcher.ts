import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, type RoutingSettings } from '@livechat/contracts';
import { Outbox, outsideRequest, sql } from '@livechat/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AgentPool, Choice } from '../assignment/agent-pool.js';
import { capacityOf } from '../assignment/agent-pool.js';
import { AgentPoolRepository } from '../assignment/agent-pool.repository.js';
import { STRATEGIES } from '../assignment/strategies.js';
import { ROUTING_CONFIG, type RoutingConfig } from '../config/routing.config.js';
import { ROUTING_LOCKS } from '../database/database.module.js';
import { SettingsService } from '../settings/settings.service.js';
import { agentSelected } from './decision-event.js';
import type { InquiryEntity } from './inquiry.entity.js';
import { InquiriesRepository } from './inquiries.repository.js';

const PAGE = 500;

/**
 * Serves the queue. Every change that can free or add capacity calls `request()`; requests that
 * arrive while a pass runs fold into one more pass. A pass holds the dispatch advisory lock, so
 * passes of all replicas run one at a time and the queue is served strictly oldest first; capacity
 * is still taken by a conditional UPDATE, so no agent ever goes over their limit.
 */
@Injectable()
export class QueueDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Queue');
  private dirty = false;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly inquiries: InquiriesRepository,
    private readonly pools: AgentPoolRepository,
    private readonly settings: SettingsService,
    private readonly outbox: Outbox,
    @Inject(ROUTING_CONFIG) private readonly config: RoutingConfig,
  ) {}

  onApplicationBootstrap(): void {
    // A safety net only: events serve the queue; this catches what a crashed replica left.
    this.timer = setInterval(() => this.request(), this.config.QUEUE_SWEEP_MS);
    this.timer.unref();
    this.request();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /**
   * Asks for a pass over the queue soon, without waiting for it. The pass runs outside the request
   * or event that asked: it serves every waiting room, not that one.
   */
  request(): void {
    this.dirty = true;
    if (!this.running && !this.stopped) this.running = outsideRequest(() => this.drain()).finally(() => (this.running = null));
  }

  /** Runs passes until no request is pending; for tests and callers that need the effect now. */
  async settle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Under the dispatch lock: the operator's manual take of one queued inquiry (SPEC §6). */
  async take(inquiryId: string, agentId: string): Promise<InquiryEntity> {
    const taken = await this.dataSource.transaction(async (manager) => {
      await sql(manager, 'SELECT pg_advisory_xact_lock($1)', [ROUTING_LOCKS.dispatch]);
      const inquiry = await this.inquiries.findByIdForUpdate(manager, inquiryId);
      if (!inquiry || inquiry.status !== 'queued') throw new RpcException(ERRORS.invalidInquiry);
      const settings = await this.settings.load(manager);
      const pool = await this.pools.load(manager, settings);
      const agent = pool.agent(agentId);
      if (!agent) throw new RpcException(ERRORS.agentNotFound);
      if (!pool.hasCapacity(agent, inquiry.departmentId ?? undefined)) throw new RpcException(ERRORS.agentAtCapacity);
      const version = await this.assign(manager, inquiry, { agent, departmentId: inquiry.departmentId ?? undefined }, settings, new Date());
      if (version === null) throw new RpcException(ERRORS.agentAtCapacity);
      return { ...inquiry, status: 'taken' as const, agentId, version };
    });
    this.outbox.flush();
    return taken;
  }

  private async drain(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      try {
        const assigned = await this.pass();
        if (assigned === 'busy') {
          // What changed here may not be in the other pass's snapshot: run again after it.
          this.dirty = true;
          await new Promise((resolve) => setTimeout(resolve, 10));
        } else if (assigned > 0) this.outbox.flush();
      } catch (err) {
        this.logger.warn(`queue pass failed, retrying: ${String(err)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        this.dirty = true;
      }
    }
  }

  /** One pass: every queued room, oldest first, gets the best eligible agent if there is one. */
  private pass(): Promise<number | 'busy'> {
    return this.dataSource.transaction(async (manager) => {
      // Another replica's pass holds the lock: come back shortly rather than hold a connection waiting.
      const [{ locked }] = await sql<{ locked: boolean }>(manager, 'SELECT pg_try_advisory_xact_lock($1) AS locked', [ROUTING_LOCKS.dispatch]);
      if (!locked) return 'busy';
      const settings = await this.settings.load(manager);
      const pool = await this.pools.load(manager, settings);
      const strategy = STRATEGIES[settings.Livechat_Routing_Method];
      const now = new Date();
      let assigned = 0;
      let cursor: { queuedAt: Date; id: string } | null = null;
      while (pool.anyoneAvailable()) {
        const page = await this.inquiries.queuedPage(manager, cursor, PAGE);
        if (page.length === 0) break;
        for (const inquiry of page) {
          const choice = this.chooseAndRecord(pool, strategy, inquiry, now);
          if (!choice) continue;
          if ((await this.assign(manager, inquiry, choice, settings, now)) !== null) assigned += 1;
          else pool.exclude(choice.agent.id);
        }
        if (page.length < PAGE) break;
        const last = page[page.length - 1];
        cursor = { queuedAt: last.queuedAt, id: last.id };
      }
      return assigned;
    });
  }

  private chooseAndRecord(pool: AgentPool, strategy: (typeof STRATEGIES)[keyof typeof STRATEGIES], inquiry: InquiryEntity, at: Date): Choice | undefined {
    const choice = pool.choose(strategy, inquiry.departmentId ?? undefined, inquiry.preferredAgentId ?? undefined);
    if (choice) pool.record(choice.agent.id, choice.departmentId, at);
    return choice;
  }

  /**
   * Takes one unit of the agent's capacity with a conditional UPDATE (never above the limit, whatever
   * other replicas do), marks the inquiry taken and writes the decision to the outbox, in the
   * caller's transaction. Answers the assignment version, or null when the agent had no capacity.
   */
  private async assign(manager: EntityManager, inquiry: InquiryEntity, choice: Choice, settings: RoutingSettings, at: Date): Promise<number | null> {
    const cap = capacityOf(choice.agent, settings);
    const taken: { username: string }[] = await sql(manager,
      `UPDATE routing.agents SET active_chats = active_chats + 1, routed_total = routed_total + 1, last_routed_at = $2
        WHERE id = $1 AND ($3::int = 0 OR active_chats < $3::int) RETURNING username`,
      [choice.agent.id, at, cap],
    );
    if (taken.length === 0) return null;
    if (choice.departmentId) {
      await sql(manager,
        `UPDATE routing.department_agents SET count = count + 1 WHERE department_id = $1 AND agent_id = $2`,
        [choice.departmentId, choice.agent.id],
      );
    }
    const departmentId = choice.departmentId ?? inquiry.departmentId;
    const version = await this.inquiries.markTaken(manager, inquiry.id, choice.agent.id, departmentId, at);
    if (version === null) throw new Error(`inquiry ${inquiry.id} was not queued any more under the dispatch lock`);
    await this.outbox.add(manager, [
      agentSelected(inquiry.roomId, { _id: choice.agent.id, username: taken[0].username }, departmentId, version, at),
    ]);
    return version;
  }
}
