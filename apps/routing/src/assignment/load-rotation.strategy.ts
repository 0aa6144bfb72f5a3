import { byLastRouted, byUsername, type Candidate, type RoutingStrategy } from './routing-strategy.js';

/** Load_Rotation: routed longest ago (never routed first), then username. */
export const loadRotation: RoutingStrategy = {
  method: 'Load_Rotation',
  automatic: true,
  compare: (a: Candidate, b: Candidate) => byLastRouted(a, b) || byUsername(a, b),
};
