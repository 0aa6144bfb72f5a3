import type { LoggerService } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';

/** Waits for `work`, but at most `ms`: a shutdown step that needs NATS must not hang when NATS is away. */
export async function closeWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([work.then(() => undefined, () => undefined), deadline]);
  clearTimeout(timer);
}

export type ConnectionStatus = 'connected' | 'disconnected' | 'reconnecting' | 'closed';

/** Logs the connection's losses and recoveries, and tells `onStatus` (until the connection closes). */
export async function logStatusChanges(nc: NatsConnection, logger: LoggerService, onStatus: (status: ConnectionStatus) => void): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === 'disconnect') {
      logger.warn('NATS connection lost; reconnecting');
      onStatus('disconnected');
    } else if (status.type === 'reconnect') {
      logger.log('NATS connection back');
      onStatus('connected');
    } else if (status.type === 'error') {
      logger.warn(`NATS connection error: ${String((status as { error?: unknown }).error ?? '')}`);
    }
  }
  onStatus('closed');
}
