import type { RoutingMethod } from '@livechat/contracts';

/** An eligible agent as the strategies see it, for one room. */
export interface Candidate {
  agentId: string;
  username: string;
  /** Rooms the agent serves now. */
  activeChats: number;
  /** Rooms ever routed to the agent: in the room's department when it has one, else in total. */
  routedCount: number;
  /** The agent's `order` in the room's department (0 without a department). */
  order: number;
  lastRoutedAt: Date | null;
}

/** A routing method: which eligible agent serves the room first. */
export interface RoutingStrategy {
  readonly method: RoutingMethod;
  /** False for Manual_Selection: rooms wait for an operator (or their preferred agent). */
  readonly automatic: boolean;
  compare(a: Candidate, b: Candidate): number;
}

export const byUsername = (a: Candidate, b: Candidate): number => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0);

/** Never routed sorts first (longest ago), then the oldest routing time. */
export const byLastRouted = (a: Candidate, b: Candidate): number =>
  (a.lastRoutedAt?.getTime() ?? -Infinity) - (b.lastRoutedAt?.getTime() ?? -Infinity) || 0;

/** The best candidate under the strategy, or undefined when there is none. */
export function pickBest(strategy: RoutingStrategy, candidates: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of candidates) if (!best || strategy.compare(c, best) < 0) best = c;
  return best;
}
