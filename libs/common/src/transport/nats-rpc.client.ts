import { Logger } from '@nestjs/common';
import { ClientProxy, RpcException, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { connect, createInbox, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { ERRORS } from '@livechat/contracts';
import { currentRequestId, requestIdHeaders } from '../logging/request-context.js';
import { natsConnectionOptions } from '../nats/nats-options.js';
import { drainOrClose, logStatusChanges, type ConnectionStatus } from './nats-lifecycle.js';
import { PublishBatch } from './publish-batch.js';
import { replyError } from './nats-wire.js';

interface PendingRequest {
  resolve: (msg: Msg) => void;
  reject: (err: RpcException) => void;
  timer: NodeJS.Timeout;
}

export interface NatsRpcClientOptions {
  url: string;
  /** The connection's name, as NATS shows it. */
  name: string;
  /** The deadline of a request that names none. */
  defaultDeadlineMs: number;
  /** The most `close()` waits for the connection's drain (it does not wait at all while NATS is unreachable). */
  closeTimeoutMs?: number;
}

/**
 * Requests to the services' NATS servers (NatsTransportServer), in the wire format of nats-wire.ts:
 * a Nest `ClientProxy` (so `send()` works as with Nest's own clients), whose promise-returning
 * `request()` and `requestBytes()` are what the code calls.
 *
 * Each request carries the current request id as `x-request-id` and has a deadline. Replies come
 * back on one subscription of the client's own (`<inbox>.*`, the request's number as the last
 * token), and the requests made during one turn of the event loop are published together, in one
 * write to the NATS server, at the end of that turn (PublishBatch). Failures are an RpcException
 * carrying a DomainError: the callee's own, `timeout` past the deadline, `service-unavailable` at
 * once when nobody serves the subject (NATS's no-responders status) or while the connection is down.
 */
export class NatsRpcClient extends ClientProxy<Record<never, never>, ConnectionStatus> {
  private nc: NatsConnection | null = null;
  private connecting: Promise<NatsConnection> | null = null;
  private connected = false;
  private readonly log = new Logger('NatsRpc');
  private readonly inbox = createInbox();
  private readonly pending = new Map<string, PendingRequest>();
  private nextId = 0;
  private readonly batch = new PublishBatch();

  constructor(private readonly options: NatsRpcClientOptions) {
    super();
  }

  connect(): Promise<NatsConnection> {
    this.connecting ??= connect({ ...natsConnectionOptions(this.options.url, this.options.name), noAsyncTraces: true }).then(
      (nc) => {
        this.nc = nc;
        nc.subscribe(`${this.inbox}.*`, { callback: (err, msg) => {
          if (!err) this.onReply(msg);
        } });
        this.setStatus('connected');
        void logStatusChanges(nc, this.log, (status) => this.setStatus(status));
        return nc;
      },
      (err: unknown) => {
        this.connecting = null;
        throw err;
      },
    );
    return this.connecting;
  }

  /**
   * Drains the connection: replies in flight are still received (within `closeTimeoutMs`; at once
   * while NATS is unreachable); requests still unanswered then fail with service-unavailable.
   */
  async close(): Promise<void> {
    const nc = this.nc;
    this.nc = null;
    this.connecting = null;
    if (!nc) return;
    await drainOrClose(nc, this.connected, this.options.closeTimeoutMs ?? 3_000);
    // No reply can come any more.
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(new RpcException(ERRORS.serviceUnavailable));
    this.setStatus('closed');
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** The connection while it is up (readiness pings it). */
  connection(): NatsConnection | null {
    return this.connected ? this.nc : null;
  }

  unwrap<T>(): T {
    if (!this.nc) throw new Error('NatsRpcClient: not connected');
    return this.nc as T;
  }

  /** The reply, parsed. */
  async request<T>(subject: string, payload: unknown, deadlineMs = this.options.defaultDeadlineMs): Promise<T> {
    const bytes = await this.requestBytes(subject, payload, deadlineMs);
    return (bytes.length === 0 ? undefined : JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'))) as T;
  }

  /** A successful reply's body as it came (UTF-8 JSON), for callers that pass it on without reading it. */
  async requestBytes(subject: string, payload: unknown, deadlineMs = this.options.defaultDeadlineMs): Promise<Uint8Array> {
    const msg = await this.transmit(subject, payload === undefined ? '' : JSON.stringify(payload), requestIdHeaders(currentRequestId()), deadlineMs);
    const error = replyError(msg);
    if (error) throw new RpcException(error);
    return msg.data;
  }

  private transmit(subject: string, body: string, headers: MsgHdrs | undefined, deadlineMs: number): Promise<Msg> {
    const nc = this.nc;
    if (!nc || !this.connected) return Promise.reject(new RpcException(ERRORS.serviceUnavailable));
    const id = String((this.nextId = (this.nextId + 1) % Number.MAX_SAFE_INTEGER));
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcException(ERRORS.timeout));
      }, deadlineMs);
      this.pending.set(id, { resolve, reject, timer });
      this.batch.add(() => {
        try {
          nc.publish(subject, body, { reply: `${this.inbox}.${id}`, headers });
        } catch {
          this.settle(id)?.reject(new RpcException(ERRORS.serviceUnavailable));
        }
      });
    });
  }

  private onReply(msg: Msg): void {
    const request = this.settle(msg.subject.slice(this.inbox.length + 1));
    if (!request) return; // past its deadline
    // NATS's own answer when nobody subscribes to the subject: a 503 status without a body.
    if (msg.data.length === 0 && msg.headers?.code === 503) request.reject(new RpcException(ERRORS.serviceUnavailable));
    else request.resolve(msg);
  }

  private settle(id: string): PendingRequest | undefined {
    const request = this.pending.get(id);
    if (!request) return undefined;
    this.pending.delete(id);
    clearTimeout(request.timer);
    return request;
  }

  /** Nest's `send()`: one request, one reply. */
  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    this.request(String(packet.pattern), packet.data).then(
      (response) => callback({ response, isDisposed: true }),
      (err: unknown) => callback({ err: err instanceof RpcException ? err.getError() : err, isDisposed: true }),
    );
    return () => undefined;
  }

  /** Nest's `emit()`: a message nobody answers. */
  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const nc = this.nc ?? (await this.connect());
    nc.publish(String(packet.pattern), JSON.stringify(packet.data ?? null), { headers: requestIdHeaders(currentRequestId()) });
    return undefined as T;
  }

  private setStatus(status: ConnectionStatus): void {
    this.connected = status === 'connected';
    this._status$.next(status);
  }
}

