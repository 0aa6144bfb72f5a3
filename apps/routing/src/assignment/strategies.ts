import type { RoutingMethod } from '@livechat/contracts';
import { autoSelection } from './auto-selection.strategy.js';
import { loadBalancing } from './load-balancing.strategy.js';
import { loadRotation } from './load-rotation.strategy.js';
import { manualSelection } from './manual-selection.strategy.js';
import type { RoutingStrategy } from './routing-strategy.js';

export const STRATEGIES: Readonly<Record<RoutingMethod, RoutingStrategy>> = {
  Auto_Selection: autoSelection,
  Load_Balancing: loadBalancing,
  Load_Rotation: loadRotation,
  Manual_Selection: manualSelection,
};
