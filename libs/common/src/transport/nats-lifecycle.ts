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

/**
 * Drains `nc` (pending messages flushed, subscriptions drained) when it is connected, within `ms`;
 * closes it at once when it is not, or when the drain has not finished by then: draining needs the
 * server's answers, and a shutdown must not wait for a NATS server that is away.
 */
export async function drainOrClose(nc: NatsConnection, connected: boolean, ms: number): Promise<void> {
  if (nc.isClosed()) return;
  if (connected) await closeWithin(nc.drain(), ms);
  await closeConnection(nc);
}

/**
 * Closes `nc`, after letting the socket report a write that failed just before: nats.js
 * (@nats-io/transport-node 3.4) removes the socket's listeners as it closes, and a write made to a
 * socket the server has just ended (NATS gone; a command flushed in a microtask, as an UNSUB) emits
 * its error a tick later, with no listener left: an uncaught exception that kills the process. One
 * turn of the event loop lets that error reach nats.js's own listener first
 * (libs/common/src/transport/nats-lifecycle.spec.ts reproduces it).
 */
export async function closeConnection(nc: NatsConnection): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (!nc.isClosed()) await nc.close().catch(() => undefined);
}

/** Whether `nc` answers a PING within `ms` (false while NATS is unreachable). */
export async function answersPing(nc: NatsConnection, ms: number): Promise<boolean> {
  let answered = false;
  await closeWithin(nc.rtt().then(() => (answered = true)), ms);
  return answered;
}
