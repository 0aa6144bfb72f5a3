import { Logger } from '@nestjs/common';
import { BaseRpcContext, Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { connect, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { INTERNAL_ERROR_CODE, isDomainError, type DomainError } from '@livechat/contracts';
import { isObservable, lastValueFrom } from 'rxjs';
import { performance } from 'node:perf_hooks';
import { acceptOrCreateRequestId, runInRequest } from '../logging/request-context.js';
import { DURATION_BUCKETS, HistogramChildren, type Metrics } from '../metrics/metrics.js';
import { natsConnectionOptions } from '../nats/nats-options.js';
import { errorHeaders, requestIdOf } from './nats-wire.js';
import { closeWithin, drainOrClose, logStatusChanges } from './nats-lifecycle.js';
import { PublishBatch } from './publish-batch.js';

/** What a handler gets as its `@Ctx()`: the subject and the request's headers. */
export class NatsRequestContext extends BaseRpcContext<[string, MsgHdrs | undefined]> {
  getSubject(): string {
    return this.args[0];
  }

  getHeaders(): MsgHdrs | undefined {
    return this.args[1];
  }
}

export interface NatsTransportServerOptions {
  url: string;
  /** The connection's name, as NATS shows it. */
  name: string;
  /** The queue group: each request goes to one replica of the service. */
  queue: string;
  /** The most a shutdown takes: the drain, the requests in hand and the connection's drain together. */
  drainTimeoutMs?: number;
  /** `livechat_rpc_duration_seconds{subject, outcome}` per request. */
  metrics?: Metrics;
  /** One debug line per reply (`rooms.get-or-open ok in 1.8 ms`); set only when debug lines are written. */
  logEachRequest?: boolean;
}

const INTERNAL: DomainError = { code: INTERNAL_ERROR_CODE, error: 'internal-error' };

/**
 * The services' NATS server, a Nest custom transport strategy (public API only: Nest hands it the
 * `@MessagePattern` handlers, it subscribes each one's subject in the service's queue group and
 * replies in the wire format of nats-wire.ts).
 *
 * Each request is handled in the request context of its `x-request-id` (a new id when it has none or
 * an insane one), so the lines logged and the requests made while handling it carry that id. A
 * handler's failure arrives as the DomainError that the RPC error filter made of it. The replies
 * made during one turn of the event loop are published together at its end (PublishBatch): one
 * write to the NATS server for all of them.
 *
 * `close()` loses no request and is bounded in time: it drains the subscriptions (no new requests;
 * the queue group sends them to other replicas; the ones NATS already delivered are still handled),
 * waits for the requests in hand to be answered, then drains the connection, all within
 * `drainTimeoutMs`. While NATS is unreachable nothing can be drained nor answered: it waits only
 * for the handlers in hand (within the same bound) and closes the connection.
 */
export class NatsTransportServer extends Server implements CustomTransportStrategy {
  private nc: NatsConnection | null = null;
  private connected = false;
  private readonly subscriptions: Subscription[] = [];
  private inFlight = 0;
  private idle: (() => void) | null = null;
  private readonly durations: HistogramChildren<'subject' | 'outcome'> | null = null;
  private readonly requestLogger: Logger | null;
  private readonly log = new Logger('Rpc');
  private readonly drainTimeoutMs: number;
  private readonly replies = new PublishBatch();

  constructor(private readonly options: NatsTransportServerOptions) {
    super();
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    if (options.metrics?.enabled) {
      const histogram = options.metrics.histogram({
        name: 'livechat_rpc_duration_seconds',
        help: 'Time to handle a NATS request, from its arrival to its reply, by subject and outcome (ok, the domain error code, or internal)',
        labelNames: ['subject', 'outcome'],
        buckets: DURATION_BUCKETS,
      });
      this.durations = new HistogramChildren(histogram, ['subject', 'outcome']);
    }
    this.requestLogger = options.logEachRequest ? new Logger('Rpc') : null;
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const nc = await connect({ ...natsConnectionOptions(this.options.url, this.options.name), noAsyncTraces: true });
      this.nc = nc;
      this.connected = true;
      void logStatusChanges(nc, this.log, (status) => {
        this.connected = status === 'connected';
        this._status$.next(status);
      });
      for (const [subject, handler] of this.messageHandlers) {
        const respond = !handler.isEventHandler;
        this.subscriptions.push(
          nc.subscribe(subject, {
            queue: this.options.queue,
            callback: (err, msg) => {
              if (!err) this.handle(subject, handler, msg, respond);
            },
          }),
        );
      }
      await nc.flush(); // the subscriptions are registered on the server before "listening"
      this._status$.next('connected');
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** The connection that takes requests, while the server is listening. */
  connection(): NatsConnection | null {
    const nc = this.nc;
    return nc && !nc.isClosed() ? nc : null;
  }

  unwrap<T>(): T {
    if (!this.nc) throw new Error('NatsTransportServer: not listening');
    return this.nc as T;
  }

  on(): never {
    throw new Error('NatsTransportServer: status changes are on `status`');
  }

  async close(): Promise<void> {
    const nc = this.nc;
    if (!nc) return;
    this.nc = null;
    const deadline = Date.now() + this.drainTimeoutMs;
    const left = () => Math.max(0, deadline - Date.now());
    // drain(), not unsubscribe(): the server may route requests here until it has processed the
    // UNSUB, and the client may hold delivered ones not yet handed to the callback; unsubscribe()
    // would drop both, and their callers would wait out their deadline (504).
    if (this.connected) await closeWithin(Promise.allSettled(this.subscriptions.map((s) => s.drain())), left());
    await closeWithin(this.requestsAnswered(), left());
    await drainOrClose(nc, this.connected, left());
    this._status$.next('closed');
  }

  private requestsAnswered(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }

  private handle(subject: string, handler: MessageHandler, msg: Msg, respond: boolean): void {
    this.inFlight += 1;
    const requestId = acceptOrCreateRequestId(requestIdOf(msg));
    void runInRequest(requestId, () => this.answer(subject, handler, msg)).then((reply) =>
      this.replies.add(() => {
        // A request counts as in hand until its reply is published: close() drains the connection after.
        try {
          if (respond) msg.respond(reply.body, reply.headers ? { headers: reply.headers } : undefined);
        } catch (err) {
          this.log.warn(`could not reply on ${subject}: ${String(err)}`);
        } finally {
          this.inFlight -= 1;
          if (this.inFlight === 0 && this.idle) {
            this.idle();
            this.idle = null;
          }
        }
      }),
    );
  }

  /** The reply to one request (never throws): the result as JSON, or the failure with its code. */
  private async answer(subject: string, handler: MessageHandler, msg: Msg): Promise<{ body: string; headers?: MsgHdrs }> {
    const started = performance.now();
    let outcome = 'ok';
    let reply: { body: string; headers?: MsgHdrs };
    try {
      const data = msg.data.length === 0 ? undefined : msg.json<unknown>();
      const result: unknown = await handler(data, new NatsRequestContext([subject, msg.headers]));
      const value = isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result;
      reply = { body: value === undefined ? '' : JSON.stringify(value) };
    } catch (err) {
      const error = isDomainError(err) ? err : INTERNAL;
      if (error === INTERNAL) this.log.error(`unexpected failure on ${subject}, not through the RPC error filter: ${String(err)}`);
      outcome = error.code;
      reply = { body: JSON.stringify(error), headers: errorHeaders(error.code) };
    }
    if (this.durations || this.requestLogger) {
      const seconds = (performance.now() - started) / 1000;
      this.durations?.observe(seconds, subject, outcome);
      this.requestLogger?.debug(`${subject} ${outcome} in ${(seconds * 1000).toFixed(1)} ms`);
    }
    return reply;
  }
}
