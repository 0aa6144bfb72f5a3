import { Init1764057600000 } from './1764057600000-init.js';
import { OutboxPublishedAt1764100000000 } from './1764100000000-outbox-published-at.js';
import { OutboxRequestId1764300000000 } from './1764300000000-outbox-request-id.js';
import { OpenRoomByToken1764400000000 } from './1764400000000-open-room-by-token.js';
import { Messages1764500000000 } from './1764500000000-messages.js';
import { RoomsByAgent1764820000000 } from './1764820000000-rooms-by-agent.js';

/** Every migration of the rooms schema, in order. Committed migrations are never rewritten. */
export const ROOMS_MIGRATIONS = [Init1764057600000, OutboxPublishedAt1764100000000, OutboxRequestId1764300000000, OpenRoomByToken1764400000000, Messages1764500000000, RoomsByAgent1764820000000];
