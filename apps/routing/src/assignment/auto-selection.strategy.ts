import { byUsername, type Candidate, type RoutingStrategy } from './routing-strategy.js';

/** Auto_Selection: fewest routed chats (per department when the room has one), then order, then username. */
export const autoSelection: RoutingStrategy = {
  method: 'Auto_Selection',
  automatic: true,
  compare: (a: Candidate, b: Candidate) => a.routedCount - b.routedCount || a.order - b.order || byUsername(a, b),
};
