import { byLastRouted, byUsername, type Candidate, type RoutingStrategy } from './routing-strategy.js';

/** Load_Balancing: fewest open chats now, then routed longest ago (never routed first), then username. */
export const loadBalancing: RoutingStrategy = {
  method: 'Load_Balancing',
  automatic: true,
  compare: (a: Candidate, b: Candidate) => a.activeChats - b.activeChats || byLastRouted(a, b) || byUsername(a, b),
};
