import { RpcException } from '@nestjs/microservices';
import { ERRORS } from '@livechat/contracts';
import { throwError } from 'rxjs';
import { TestNatsServer } from '../../../../harness/nats-server.js';
import { currentRequestId, runInRequest } from '../logging/request-context.js';
import { NatsRpcClient } from './nats-rpc.client.js';
import { NatsTransportServer } from './nats-transport.server.js';

/**
 * The transport against a real nats-server: NatsTransportServer with handlers as Nest hands them
 * over (`addHandler`), NatsRpcClient as the gateway and rooms use it.
 */
describe('NATS transport (server and client)', () => {
  let nats: TestNatsServer;
  let server: NatsTransportServer;
  let client: NatsRpcClient;
  const release: (() => void)[] = [];

  const listen = (s: NatsTransportServer) => new Promise<void>((resolve, reject) => s.listen((err?: unknown) => (err ? reject(err) : resolve())));

  function startServer(): Promise<void> {
    server = new NatsTransportServer({ url: nats.url, name: 'test-server', queue: 'test', drainTimeoutMs: 3_000 });
    server.addHandler('test.echo', async (data: unknown) => ({ echo: data, requestId: currentRequestId() }));
    server.addHandler('test.fail', async () => throwError(() => ERRORS.invalidToken));
    server.addHandler('test.throw', async () => {
      throw new Error('not a domain error');
    });
    // Answers when the test says so.
    server.addHandler('test.hold', (data: unknown) => new Promise((resolve) => release.push(() => resolve({ held: data }))));
    return listen(server);
  }

  beforeAll(async () => {
    nats = await TestNatsServer.start();
    await startServer();
    client = new NatsRpcClient({ url: nats.url, name: 'test-client', defaultDeadlineMs: 2_000 });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
    await nats?.stop();
  });

  async function failure(promise: Promise<unknown>): Promise<unknown> {
    const err = await promise.then(
      () => new Error('answered'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RpcException);
    return (err as RpcException).getError();
  }

  it('answers the handler result, and the handler runs in the request context of the caller’s id', async () => {
    const reply = await runInRequest('req-7', () => client.request('test.echo', { token: 't', n: 1 }));
    expect(reply).toEqual({ echo: { token: 't', n: 1 }, requestId: 'req-7' });
  });

  it('makes a request id for a request that comes without one', async () => {
    const reply = await client.request<{ requestId: string }>('test.echo', {});
    expect(reply.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('passes the reply bytes through untouched', async () => {
    const bytes = await client.requestBytes('test.echo', 'x');
    expect(JSON.parse(Buffer.from(bytes).toString())).toMatchObject({ echo: 'x' });
  });

  it('carries a domain error to the caller as it is', async () => {
    expect(await failure(client.request('test.fail', {}))).toEqual(ERRORS.invalidToken);
  });

  it('answers internal for a failure that is not a domain error, without its message', async () => {
    expect(await failure(client.request('test.throw', {}))).toEqual({ code: 'internal', error: 'internal-error' });
  });

  it('answers service-unavailable at once when nobody serves the subject', async () => {
    const started = Date.now();
    expect(await failure(client.request('test.nobody', {}, 5_000))).toEqual(ERRORS.serviceUnavailable);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('answers timeout past the deadline', async () => {
    const started = Date.now();
    expect(await failure(client.request('test.hold', 'late', 300))).toEqual(ERRORS.timeout);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    release.splice(0).forEach((answer) => answer()); // its reply, past the deadline, is dropped
  });

  it('answers each of many requests made in one turn with its own reply', async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => client.request<{ echo: number }>('test.echo', i)));
    expect(replies.map((r) => r.echo)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('on close, answers the requests in hand, takes no new ones, and ends', async () => {
    const inHand = Array.from({ length: 20 }, (_, i) => client.request<{ held: number }>('test.hold', i, 5_000));
    await vi.waitFor(() => expect(release).toHaveLength(20));
    const started = Date.now();
    const closing = server.close();
    // No replica serves the subject any more: a new request is refused at once.
    await vi.waitFor(async () => expect(await failure(client.request('test.echo', {}, 1_000))).toEqual(ERRORS.serviceUnavailable));
    for (const answer of release.splice(0)) answer();
    expect((await Promise.all(inHand)).map((r) => r.held)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await closing;
    expect(Date.now() - started).toBeLessThan(2_500); // not the 3 s bound: it ended when the last reply went out
    await startServer();
  });

  it('closes within its bound while NATS is unreachable, even with a request in hand', { timeout: 20_000 }, async () => {
    const inHand = client.request('test.hold', 'lost', 10_000).catch((e: unknown) => e);
    await vi.waitFor(() => expect(release).toHaveLength(1));
    await nats.kill('SIGKILL');
    await vi.waitFor(() => expect(client.isConnected()).toBe(false), { timeout: 5_000 });
    const started = Date.now();
    await Promise.all([server.close(), client.close()]);
    // The server waits for its handler within its 3 s bound; nothing waits for NATS.
    expect(Date.now() - started).toBeLessThan(4_000);
    release.splice(0).forEach((answer) => answer());
    await inHand;
  });
});
