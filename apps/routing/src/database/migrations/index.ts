import { Init1764057600000 } from './1764057600000-init.js';
import { OutboxPublishedAt1764100000000 } from './1764100000000-outbox-published-at.js';
import { OutboxRequestId1764300000000 } from './1764300000000-outbox-request-id.js';
import { Reservations1764500000000 } from './1764500000000-reservations.js';
import { AgentTokens1764810000000 } from './1764810000000-agent-tokens.js';

/** Every migration of the routing schema, in order. Committed migrations are never rewritten. */
export const ROUTING_MIGRATIONS = [
  Init1764057600000,
  OutboxPublishedAt1764100000000,
  OutboxRequestId1764300000000,
  Reservations1764500000000,
  AgentTokens1764810000000,
];
