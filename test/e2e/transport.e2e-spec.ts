import { Api } from '../../harness/http.js';
import { expectEventually } from '../../harness/eventually.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

describe('gateway transport failures', () => {
  let stack: TestStack;
  let api: Api;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { RPC_TIMEOUT_MS: '500' } });
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    await api.createAgent('agent.online');
  });
  afterAll(() => stack?.stop());

  it('answers health with NATS connected', async () => {
    const res = await api.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nats: 'connected' });
  });

  it('answers 503 service-unavailable at once when no rooms replica is up, and recovers when one starts', async () => {
    const rooms = stack.service('rooms');
    await rooms.stop('SIGKILL');
    const started = Date.now();
    const res = await api.room({ token: 'anyone' });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ success: false, error: 'service-unavailable' });
    expect(Date.now() - started).toBeLessThan(400); // no waiting for the deadline: NATS says nobody listens
    await rooms.start();
    await api.registerVisitor({ token: 'after-restart' });
    const back = await api.room({ token: 'after-restart' });
    expect(back.status).toBe(200);
  });

  it('answers 504 timeout when rooms does not answer within the deadline', async () => {
    const rooms = stack.service('rooms');
    process.kill(rooms.pid!, 'SIGSTOP');
    try {
      const res = await api.room({ token: 'anyone' });
      expect(res.status).toBe(504);
      expect(res.body).toEqual({ success: false, error: 'timeout' });
    } finally {
      process.kill(rooms.pid!, 'SIGCONT');
    }
  });

  it('answers 503 while NATS is down and recovers by itself when it returns', async () => {
    await api.registerVisitor({ token: 'nats-down' });
    await stack.nats.kill('SIGKILL');
    try {
      const res = await api.room({ token: 'nats-down' });
      expect([503, 504]).toContain(res.status);
      const health = await api.get('/health');
      expect(health.status).toBe(503);
    } finally {
      await stack.nats.restart();
    }
    await expectEventually(async () => {
      const res = await api.room({ token: 'nats-down' });
      expect(res.status).toBe(200);
    }, { timeoutMs: 20_000, intervalMs: 200 });
  });

  it('answers a domain error from rooms with its own envelope', async () => {
    const res = await api.room({ token: 'nobody-has-this-token' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error: 'invalid-token' });
  });

  it('gateway: stops within its bound, exit 0, when asked to while NATS is down', async () => {
    // (rooms' and routing's NATS server and client are bounded the same way, libs/common/src/transport/
    // nats-transport.spec.ts; their outbox relays, which retry a publish meanwhile, are not the transport.)
    await stack.nats.kill('SIGKILL');
    const gateway = stack.service('gateway');
    try {
      const started = Date.now();
      const { code } = await gateway.stop('SIGTERM', 30_000);
      // Its log says why when it did not exit 0.
      expect({ code, log: code === 0 ? '' : gateway.logs() }).toEqual({ code: 0, log: '' });
      // Well within the 20 s it gives itself: nothing waits for the absent NATS server.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await stack.nats.restart();
      await gateway.start();
    }
    await expectEventually(async () => expect((await api.get('/health')).status).toBe(200), { timeoutMs: 20_000, intervalMs: 200 });
  });
});
