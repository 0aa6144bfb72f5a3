import { byUsername, type RoutingStrategy } from './routing-strategy.js';

/** Manual_Selection: nothing is assigned automatically; an operator takes rooms from the queue. */
export const manualSelection: RoutingStrategy = {
  method: 'Manual_Selection',
  automatic: false,
  compare: byUsername,
};
