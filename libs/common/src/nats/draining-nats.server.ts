import { ServerNats } from '@nestjs/microservices';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';

/** ServerNats keeps these private; the drain needs them. */
interface ServerNatsInternals {
  natsClient: NatsConnection | null;
  subscriptions: Subscription[];
}

/**
 * Nest's NATS server, with a shutdown that loses no request: it stops taking new requests
 * (unsubscribes, so the queue group sends them to other replicas), waits until the requests in
 * hand have been answered, then drains the connection. Nest's own `gracefulShutdown` waits a fixed
 * grace period instead.
 */
export class DrainingNatsServer extends ServerNats {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    options: ConstructorParameters<typeof ServerNats>[0],
    private readonly drainTimeoutMs = 10_000,
  ) {
    super(options);
  }

  override async handleMessage(...args: Parameters<ServerNats['handleMessage']>): Promise<unknown> {
    const handling = super.handleMessage(...args);
    this.inFlight.add(handling);
    try {
      return await handling;
    } finally {
      this.inFlight.delete(handling);
    }
  }

  override async close(): Promise<void> {
    const internals = this as unknown as ServerNatsInternals;
    const client = internals.natsClient;
    if (!client) return;
    for (const sub of internals.subscriptions) sub.unsubscribe();
    const deadline = new Promise((resolve) => setTimeout(resolve, this.drainTimeoutMs).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    await client.drain().catch(() => undefined);
    internals.natsClient = null;
  }
}
