import { sql } from '@livechat/common';
import type { EntityManager } from 'typeorm';

/** pg advisory lock keys of the routing service. */
export const ROUTING_LOCKS = { migrations: 0x524f5554, outbox: 0x524f5555, dispatch: 0x524f5556 } as const;

/**
 * Waits for the dispatch lock, held until the transaction ends: queue passes, manual takes and agent
 * deletions run one at a time across replicas.
 */
export async function lockDispatch(manager: EntityManager): Promise<void> {
  await sql(manager, 'SELECT pg_advisory_xact_lock($1)', [ROUTING_LOCKS.dispatch]);
}

/** Takes the dispatch lock if no other transaction holds it; answers whether it did. */
export async function tryLockDispatch(manager: EntityManager): Promise<boolean> {
  const [{ locked }] = await sql<{ locked: boolean }>(manager, 'SELECT pg_try_advisory_xact_lock($1) AS locked', [ROUTING_LOCKS.dispatch]);
  return locked;
}
