import type { AgentLivechatStatus, AgentPresence, RoutingSettings } from '@livechat/contracts';
import { pickBest, type Candidate, type RoutingStrategy } from './routing-strategy.js';

export interface PoolAgent {
  id: string;
  username: string;
  status: AgentPresence;
  statusLivechat: AgentLivechatStatus;
  maxChats: number | null;
  activeChats: number;
  routedTotal: number;
  lastRoutedAt: Date | null;
}

export interface PoolDepartment {
  id: string;
  enabled: boolean;
  showOnRegistration: boolean;
  maxSimultaneousChats: number;
  fallbackDepartmentId: string | null;
}

export interface PoolMembership {
  departmentId: string;
  agentId: string;
  count: number;
  order: number;
}

export interface PoolSnapshot {
  agents: PoolAgent[];
  /** In creation order: the first that fits is the default department. */
  departments: PoolDepartment[];
  memberships: PoolMembership[];
  /** Open (and reserved) rooms per agent and department, for the departments' per-agent limits. */
  activeInDepartment: { agentId: string; departmentId: string; active: number }[];
}

/** Rooms waiting in the queue, as far as who could serve them goes: their department and preferred agent. */
export interface WaitingRoom {
  departmentId: string | null;
  preferredAgentId: string | null;
}

export interface Choice {
  agent: PoolAgent;
  /** The department that serves the room (its own, or one along its fallback chain). */
  departmentId?: string;
}

/**
 * The agents, departments and load at one moment, and the rules of docs/routing.md#eligible-agents over them: who is
 * online, who is eligible, which department serves a room, who is chosen. Pure and in memory;
 * the dispatcher records each choice here and takes the capacity in the database.
 */
export class AgentPool {
  private readonly agents = new Map<string, PoolAgent>();
  private readonly departments = new Map<string, PoolDepartment>();
  private readonly members = new Map<string, Map<string, PoolMembership>>();
  private readonly activeInDepartment = new Map<string, number>();

  constructor(
    private readonly snapshot: PoolSnapshot,
    private readonly settings: RoutingSettings,
  ) {
    for (const a of snapshot.agents) this.agents.set(a.id, { ...a });
    for (const d of snapshot.departments) this.departments.set(d.id, d);
    for (const m of snapshot.memberships) {
      if (!this.members.has(m.departmentId)) this.members.set(m.departmentId, new Map());
      this.members.get(m.departmentId)!.set(m.agentId, { ...m });
    }
    for (const x of snapshot.activeInDepartment) this.activeInDepartment.set(key(x.agentId, x.departmentId), x.active);
  }

  agent(id: string): PoolAgent | undefined {
    return this.agents.get(id);
  }

  /** The department's per-agent limit (maxSimultaneousChats); 0 = none. */
  departmentLimit(departmentId: string): number {
    return this.departments.get(departmentId)?.maxSimultaneousChats ?? 0;
  }

  /** Available and present (capacity not counted): the "online" of the no-agent-online rule. */
  isOnline(agent: PoolAgent): boolean {
    if (agent.statusLivechat !== 'available' || agent.status === 'offline') return false;
    return agent.status !== 'away' || this.settings.Livechat_enabled_when_agent_idle;
  }

  /** Whether the agent can take one more room (of `departmentId`, when given). */
  hasCapacity(agent: PoolAgent, departmentId?: string): boolean {
    const cap = capacityOf(agent, this.settings);
    if (cap > 0 && agent.activeChats >= cap) return false;
    if (!departmentId) return true;
    const departmentCap = this.departments.get(departmentId)?.maxSimultaneousChats ?? 0;
    return departmentCap === 0 || (this.activeInDepartment.get(key(agent.id, departmentId)) ?? 0) < departmentCap;
  }

  isEligible(agent: PoolAgent, departmentId?: string): boolean {
    if (departmentId && !this.members.get(departmentId)?.has(agent.id)) return false;
    return this.isOnline(agent) && this.hasCapacity(agent, departmentId);
  }

  /** Someone online in the department (or anywhere, without one). */
  onlineIn(departmentId?: string): boolean {
    if (!departmentId) return [...this.agents.values()].some((a) => this.isOnline(a));
    const members = this.members.get(departmentId);
    return !!members && [...members.keys()].some((id) => this.isOnline(this.agents.get(id)!));
  }

  /**
   * The department that serves a room of `departmentId`: itself when someone is online there,
   * else the first department along its fallback chain with someone online; null when none.
   */
  servingDepartment(departmentId: string): string | null {
    const seen = new Set<string>();
    for (let id: string | null = departmentId; id && !seen.has(id); id = this.departments.get(id)?.fallbackDepartmentId ?? null) {
      seen.add(id);
      if (this.onlineIn(id)) return id;
    }
    return null;
  }

  /** docs/api.md#getting-or-opening-a-room: the first enabled department shown on registration with an eligible agent. */
  defaultDepartment(): string | undefined {
    for (const d of this.snapshot.departments) {
      if (!d.enabled || !d.showOnRegistration) continue;
      const members = this.members.get(d.id);
      if (members && [...members.keys()].some((id) => this.isEligible(this.agents.get(id)!, d.id))) return d.id;
    }
    return undefined;
  }

  candidates(departmentId?: string): Candidate[] {
    const ids = departmentId ? [...(this.members.get(departmentId)?.keys() ?? [])] : [...this.agents.keys()];
    const result: Candidate[] = [];
    for (const id of ids) {
      const agent = this.agents.get(id)!;
      if (!this.isEligible(agent, departmentId)) continue;
      const membership = departmentId ? this.members.get(departmentId)!.get(id)! : undefined;
      result.push({
        agentId: id,
        username: agent.username,
        activeChats: agent.activeChats,
        routedCount: membership ? membership.count : agent.routedTotal,
        order: membership?.order ?? 0,
        lastRoutedAt: agent.lastRoutedAt,
      });
    }
    return result;
  }

  /**
   * Who serves a room of `departmentId`: the preferred agent when eligible, else the strategy's
   * best candidate (none under Manual_Selection). The room waits in its own department when its
   * agents are online but busy; the fallback chain is for departments with nobody online.
   */
  choose(strategy: RoutingStrategy, departmentId?: string, preferredAgentId?: string): Choice | undefined {
    const serving = departmentId ? (this.servingDepartment(departmentId) ?? departmentId) : undefined;
    const preferred = preferredAgentId ? this.agents.get(preferredAgentId) : undefined;
    if (preferred && this.isEligible(preferred, serving)) return { agent: preferred, departmentId: serving };
    if (!strategy.automatic) return undefined;
    const best = pickBest(strategy, this.candidates(serving));
    return best ? { agent: this.agents.get(best.agentId)!, departmentId: serving } : undefined;
  }

  /** Records an assignment, as the database does, so later choices in the same pass see it. */
  record(agentId: string, departmentId: string | undefined, at: Date): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    agent.activeChats += 1;
    agent.routedTotal += 1;
    agent.lastRoutedAt = at;
    if (departmentId) {
      const membership = this.members.get(departmentId)?.get(agentId);
      if (membership) membership.count += 1;
      this.activeInDepartment.set(key(agentId, departmentId), (this.activeInDepartment.get(key(agentId, departmentId)) ?? 0) + 1);
    }
  }

  /** Forgets an agent whose capacity the database refused (the snapshot was stale). */
  exclude(agentId: string): void {
    this.agents.delete(agentId);
    for (const members of this.members.values()) members.delete(agentId);
  }

  /**
   * Whether one of these waiting rooms could be served now. A new room is served at once only when
   * none could: otherwise the queue is served first, oldest first (docs/guarantees.md#5-the-queue-drains-in-order).
   */
  canServeAnyOf(strategy: RoutingStrategy, waiting: readonly WaitingRoom[]): boolean {
    return waiting.some((w) => this.choose(strategy, w.departmentId ?? undefined, w.preferredAgentId ?? undefined) !== undefined);
  }

  /** Whether anyone could take a room at all; the dispatcher stops scanning the queue when not. */
  anyoneAvailable(): boolean {
    return [...this.agents.values()].some((a) => this.isOnline(a) && this.hasCapacity(a));
  }
}

/** docs/routing.md: the agent's own maxChats when set above 0, else the global limit; 0 = unlimited. */
export function capacityOf(agent: Pick<PoolAgent, 'maxChats'>, settings: RoutingSettings): number {
  return agent.maxChats && agent.maxChats > 0 ? agent.maxChats : settings.Livechat_maximum_chats_per_agent;
}

function key(agentId: string, departmentId: string): string {
  return `${agentId}\u0000${departmentId}`;
}
