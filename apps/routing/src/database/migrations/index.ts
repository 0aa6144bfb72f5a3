import { Init1764057600000 } from './1764057600000-init.js';

/** Every migration of the routing schema, in order. Committed migrations are never rewritten. */
export const ROUTING_MIGRATIONS = [Init1764057600000];
