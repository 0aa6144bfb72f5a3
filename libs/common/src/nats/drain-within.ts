import type { Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Drains the connection (what it published is flushed, its subscriptions are finished), but for
 * `timeoutMs` at most: with no NATS server to reach, a drain would wait for one forever, and a
 * shutdown must end; then the connection is closed.
 */
export async function drainWithin(nc: NatsConnection, timeoutMs: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
  const drained = nc.drain().then(
    () => false,
    (err: unknown) => {
      logger.warn(`drain failed: ${String(err)}`);
      return false;
    },
  );
  const timedOut = await Promise.race([drained, gaveUp]);
  clearTimeout(timer);
  if (!timedOut) return;
  logger.warn(`NATS did not drain within ${timeoutMs} ms (no server reachable?): closing the connection`);
  await nc.close().catch(() => undefined);
}
