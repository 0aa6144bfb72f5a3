import { Logger } from '@nestjs/common';
import { ServerNats } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { isDomainError } from '@livechat/contracts';
import { performance } from 'node:perf_hooks';
import { acceptOrCreateRequestId, REQUEST_ID_HEADER, runInRequest } from '../logging/request-context.js';
import { DURATION_BUCKETS, HistogramChildren, type Metrics } from '../metrics/metrics.js';
import { drainWithin } from './drain-within.js';

/** ServerNats keeps these private; the drain needs them. */
interface ServerNatsInternals {
  natsClient: NatsConnection | null;
  subscriptions: Subscription[];
}

/**
 * Nest's NATS server, with a shutdown that loses no request: it stops taking new requests
 * (drains its subscriptions, so the queue group sends new ones to other replicas), waits until the requests in
 * hand have been answered, then drains the connection. Nest's own `gracefulShutdown` waits a fixed
 * grace period instead.
 *
 * Each request is handled in the request context of its `x-request-id` header (a new id when it
 * has none or an insane one), so every line logged while handling it carries that id, and the
 * requests it makes in turn pass it on.
 *
 * With `instrument(metrics)`, each request's handling time is observed by subject and outcome; with
 * `logEachRequest()`, each reply is logged at debug.
 */
export class DrainingNatsServer extends ServerNats {
  private readonly inFlight = new Set<Promise<unknown>>();
  private durations: HistogramChildren<'subject' | 'outcome'> | null = null;
  private requestLogger: Logger | null = null;

  constructor(
    options: ConstructorParameters<typeof ServerNats>[0],
    private readonly drainTimeoutMs = 10_000,
  ) {
    super(options);
  }

  override async handleMessage(...args: Parameters<ServerNats['handleMessage']>): Promise<unknown> {
    const msg = args[1] as Msg;
    const requestId = acceptOrCreateRequestId(msg.headers?.get(REQUEST_ID_HEADER) || undefined);
    const handling = runInRequest(requestId, () => super.handleMessage(...args));
    this.inFlight.add(handling);
    try {
      return await handling;
    } finally {
      this.inFlight.delete(handling);
    }
  }

  /**
   * `livechat_rpc_duration_seconds{subject, outcome}`: from the request's arrival to its reply,
   * outcome `ok`, the domain error code (`invalid-token`, `service-unavailable`…) or `internal`.
   */
  instrument(metrics: Metrics): void {
    const histogram = metrics.histogram({
      name: 'livechat_rpc_duration_seconds',
      help: 'Time to handle a NATS request, from its arrival to its reply, by subject and outcome (ok, the domain error code, or internal)',
      labelNames: ['subject', 'outcome'],
      buckets: DURATION_BUCKETS,
    });
    this.durations = new HistogramChildren(histogram, ['subject', 'outcome']);
  }

  /**
   * One debug line per reply: `rooms.get-or-open ok in 1.8 ms` (the outcome as in the metric).
   * Only called when the level lets debug lines through, so that the hot path does not even
   * format them otherwise.
   */
  logEachRequest(): void {
    this.requestLogger = new Logger('Rpc');
  }

  /** Nest calls this once per request, before the handler runs; the reply goes through what it answers. */
  override getPublisher(...args: Parameters<ServerNats['getPublisher']>): ReturnType<ServerNats['getPublisher']> {
    const publish = super.getPublisher(...args);
    const { durations, requestLogger } = this;
    if (!durations && !requestLogger) return publish;
    const started = performance.now();
    const subject: string = args[0].subject;
    let observed = false;
    return (packet: { err?: unknown }) => {
      if (!observed) {
        // The first packet is the reply (or the error); a later one only says the stream ended.
        observed = true;
        const outcome = packet.err === undefined ? 'ok' : isDomainError(packet.err) ? packet.err.code : 'internal';
        const seconds = (performance.now() - started) / 1000;
        durations?.observe(seconds, subject, outcome);
        requestLogger?.debug(`${subject} ${outcome} in ${(seconds * 1000).toFixed(1)} ms`);
      }
      return publish(packet);
    };
  }

  /** The connection that takes requests, while the server is listening. */
  connection(): NatsConnection | null {
    const client = (this as unknown as ServerNatsInternals).natsClient;
    return client && !client.isClosed() ? client : null;
  }

  override async close(): Promise<void> {
    const internals = this as unknown as ServerNatsInternals;
    const client = internals.natsClient;
    if (!client) return;
    const until = Date.now() + this.drainTimeoutMs;
    const deadline = new Promise((resolve) => setTimeout(resolve, this.drainTimeoutMs).unref());
    // drain(), not unsubscribe(): the server may route requests to this replica until it has
    // processed the UNSUB, and the client may hold delivered ones not yet handed to the callback;
    // unsubscribe() would drop both, and their callers would wait out their deadline (504).
    await Promise.race([Promise.allSettled(internals.subscriptions.map((sub) => sub.drain())), deadline]);
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    // Within the same deadline: with no NATS server reachable the drain would never end.
    await drainWithin(client, Math.max(500, until - Date.now()), new Logger('Rpc'));
    internals.natsClient = null;
  }
}
