import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, type RoutingSettings } from '@livechat/contracts';
import { Outbox, Runner, type NextPass } from '@livechat/common';
import type { EntityManager } from 'typeorm';
import type { AgentPool, Choice } from '../assignment/agent-pool.js';
import { capacityOf } from '../assignment/agent-pool.js';
import { AgentPoolRepository } from '../assignment/agent-pool.repository.js';
import { CapacityRepository } from '../assignment/capacity.repository.js';
import { CapacitySignal } from '../assignment/capacity.signal.js';
import { STRATEGIES } from '../assignment/strategies.js';
import { ROUTING_CONFIG, type RoutingConfig } from '../config/routing.config.js';
import { lockDispatch, tryLockDispatch } from '../database/routing-locks.js';
import { assignDecision } from './decision-event.js';
import type { InquiryEntity } from './inquiry.entity.js';
import { InquiriesRepository } from './inquiries.repository.js';

const PAGE = 500;

/** A failed pass is tried again 200 ms later. */
const PASS_RETRY = { firstMs: 200, maxMs: 200 } as const;

/**
 * Serves the queue. Every change that can free or add capacity says so (CapacitySignal) and a pass
 * runs; changes that arrive while a pass runs fold into one more pass. A pass holds the dispatch
 * advisory lock, so passes of all replicas run one at a time and the queue is served strictly oldest
 * first; capacity is still taken by a conditional UPDATE, so no agent ever goes over their limit.
 */
@Injectable()
export class QueueDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Queue');
  private readonly passes: Runner;

  constructor(
    private readonly inquiries: InquiriesRepository,
    private readonly pools: AgentPoolRepository,
    private readonly capacity: CapacityRepository,
    private readonly outbox: Outbox,
    signal: CapacitySignal,
    @Inject(ROUTING_CONFIG) config: RoutingConfig,
  ) {
    // The periodic pass is a safety net only: changes serve the queue; it catches what a crashed replica left.
    this.passes = new Runner(
      { name: 'queue pass', logger: this.logger, backoff: PASS_RETRY, everyMs: config.QUEUE_SWEEP_MS, describe: String },
      () => this.serve(),
    );
    signal.onChange(() => this.passes.request());
  }

  onApplicationBootstrap(): void {
    this.passes.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.passes.stop();
  }

  /** Under the dispatch lock: the operator's manual take of one queued inquiry (docs/api.md#operator-endpoints). */
  async take(inquiryId: string, agentId: string): Promise<InquiryEntity> {
    return this.outbox.transaction(async (manager) => {
      await lockDispatch(manager);
      const inquiry = await this.inquiries.findByIdForUpdate(manager, inquiryId);
      if (!inquiry || inquiry.status !== 'queued') throw new RpcException(ERRORS.invalidInquiry);
      const { settings, pool } = await this.pools.load(manager);
      const agent = pool.agent(agentId);
      if (!agent) throw new RpcException(ERRORS.agentNotFound);
      if (!pool.hasCapacity(agent, inquiry.departmentId ?? undefined)) throw new RpcException(ERRORS.maxChatsReached);
      const [assigned] = await this.assign(manager, [{ inquiry, choice: { agent, departmentId: inquiry.departmentId ?? undefined } }], pool, settings, new Date());
      if (!assigned) throw new RpcException(ERRORS.maxChatsReached);
      return { ...inquiry, status: 'taken' as const, agentId, version: assigned.version };
    });
  }

  private async serve(): Promise<NextPass> {
    const { assigned, refused } = await this.pass();
    // What changed here may not be in the other pass's snapshot: run again after it.
    if (assigned === 'busy') return { afterMs: 10 };
    // An agent's capacity went elsewhere meanwhile (a room served at once by another replica):
    // the rooms picked for them wait no longer than one more pass with a fresh snapshot.
    return refused ? 'again' : undefined;
  }

  /** One pass: every queued room, oldest first, gets the best eligible agent if there is one. */
  private pass(): Promise<{ assigned: number | 'busy'; refused: boolean }> {
    return this.outbox.transaction(async (manager) => {
      // Another replica's pass holds the lock: come back shortly rather than hold a connection waiting.
      if (!(await tryLockDispatch(manager))) return { assigned: 'busy', refused: false };
      const { settings, pool } = await this.pools.load(manager);
      const strategy = STRATEGIES[settings.Livechat_Routing_Method];
      const now = new Date();
      let assigned = 0;
      let refused = false;
      let cursor: { queuedAt: Date; id: string } | null = null;
      while (pool.anyoneAvailable()) {
        const page = await this.inquiries.queuedPage(manager, cursor, PAGE);
        if (page.length === 0) break;
        const picks: QueuedChoice[] = [];
        for (const inquiry of page) {
          const choice = this.chooseAndRecord(pool, strategy, inquiry, now);
          if (choice) picks.push({ inquiry, choice });
        }
        const done = await this.assign(manager, picks, pool, settings, now);
        assigned += done.length;
        // An agent whose capacity changed meanwhile (an operator lowered it, another replica reserved
        // it for a new room) takes nothing more this pass.
        const full = new Set(picks.map((p) => p.choice.agent.id));
        for (const d of done) full.delete(d.agentId);
        for (const agentId of full) pool.exclude(agentId);
        refused ||= full.size > 0;
        if (page.length < PAGE) break;
        const last = page[page.length - 1];
        cursor = { queuedAt: last.queuedAt, id: last.id };
      }
      return { assigned, refused };
    });
  }

  private chooseAndRecord(pool: AgentPool, strategy: (typeof STRATEGIES)[keyof typeof STRATEGIES], inquiry: InquiryEntity, at: Date): Choice | undefined {
    const choice = pool.choose(strategy, inquiry.departmentId ?? undefined, inquiry.preferredAgentId ?? undefined);
    if (choice) pool.record(choice.agent.id, choice.departmentId, at);
    return choice;
  }

  /**
   * Takes each agent's share of the picks from their capacity with one conditional UPDATE (never
   * above the limit, whatever other replicas do: an agent whose limit no longer allows all of their
   * share takes none of it), marks those inquiries taken and writes the decisions to the outbox in
   * queue order: a few statements for a whole page of the queue, in the caller's transaction.
   * Answers the picks that were assigned, with their assignment versions.
   */
  private async assign(manager: EntityManager, all: QueuedChoice[], pool: AgentPool, settings: RoutingSettings, at: Date): Promise<{ agentId: string; version: number }[]> {
    const picks = await this.withinDepartmentLimits(manager, all, pool);
    if (picks.length === 0) return [];
    const shares = new Map<string, { agent: Choice['agent']; count: number }>();
    for (const { choice } of picks) {
      const share = shares.get(choice.agent.id) ?? { agent: choice.agent, count: 0 };
      share.count += 1;
      shares.set(choice.agent.id, share);
    }
    const taken = await this.capacity.take(
      manager,
      [...shares.values()].map((s) => ({ agentId: s.agent.id, count: s.count, cap: capacityOf(s.agent, settings) })),
      at,
    );
    const usernames = new Map(taken.map((t) => [t.id, t.username]));
    const assigned = picks.filter((p) => usernames.has(p.choice.agent.id));
    if (assigned.length === 0) return [];
    const departmentOf = (p: QueuedChoice) => p.choice.departmentId ?? p.inquiry.departmentId;
    await this.capacity.countRouted(
      manager,
      assigned.filter((p) => p.choice.departmentId).map((p) => ({ agentId: p.choice.agent.id, departmentId: p.choice.departmentId! })),
    );
    const versions = await this.inquiries.markTaken(
      manager,
      assigned.map((p) => ({ id: p.inquiry.id, agentId: p.choice.agent.id, departmentId: departmentOf(p) })),
      at,
    );
    await this.outbox.add(
      manager,
      assigned.map((p) => {
        const version = versions.get(p.inquiry.id);
        if (version === undefined) throw new Error(`inquiry ${p.inquiry.id} was not queued any more under the dispatch lock`);
        return assignDecision(p.inquiry.roomId, { _id: p.choice.agent.id, username: usernames.get(p.choice.agent.id)! }, departmentOf(p), version, at);
      }),
    );
    return assigned.map((p) => ({ agentId: p.choice.agent.id, version: versions.get(p.inquiry.id)! }));
  }

  /**
   * The picks whose agents stay within their departments' per-agent limits. The snapshot may be older
   * than a reservation another replica made for a new room, so the agents' rows are locked (the lock
   * every capacity change of theirs takes) and their rooms in each limited department counted again:
   * an agent over a limit takes none of their share (all or nothing, as for their own limit).
   */
  private async withinDepartmentLimits(manager: EntityManager, picks: QueuedChoice[], pool: AgentPool): Promise<QueuedChoice[]> {
    const limited = picks.filter((p) => p.choice.departmentId && pool.departmentLimit(p.choice.departmentId) > 0);
    if (limited.length === 0) return picks;
    const agentIds = [...new Set(limited.map((p) => p.choice.agent.id))].sort();
    const rows = await this.capacity.lockAndCountByDepartment(manager, agentIds);
    const key = (agentId: string, departmentId: string) => `${agentId}\u0000${departmentId}`;
    const load = new Map(rows.map((r) => [key(r.agentId, r.departmentId), r.active]));
    const over = new Set<string>();
    for (const { choice } of limited) {
      const k = key(choice.agent.id, choice.departmentId!);
      load.set(k, (load.get(k) ?? 0) + 1);
      if (load.get(k)! > pool.departmentLimit(choice.departmentId!)) over.add(choice.agent.id);
    }
    return picks.filter((p) => !over.has(p.choice.agent.id));
  }
}

/** A queued inquiry and the agent chosen for it. */
interface QueuedChoice {
  inquiry: InquiryEntity;
  choice: Choice;
}
