import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { assertInvariants } from '../support/invariants.js';
import { Livechat } from '../support/livechat.js';
import { ADMIN_TOKEN, TestStack, type ServiceProcess } from '../../harness/stack.js';

/** docs/guarantees.md#7-graceful-shutdown: SIGTERM finishes the requests in hand, then drains NATS, closes the database, exits 0. */
describe('graceful shutdown under load', () => {
  let stack: TestStack;
  let api: Api;
  let chat: Livechat;

  beforeAll(async () => {
    // A long deadline: a 504 here can only mean a request the stopping replica dropped, not a slow machine.
    stack = await TestStack.start({ replicas: { gateway: 2, rooms: 2, routing: 2 }, env: { RPC_TIMEOUT_MS: '15000' } });
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    chat = new Livechat(api);
    await api.createAgent('graceful-agent');
  });
  afterAll(() => stack?.stop());

  /** Fires `count` room opens at once at `baseUrl`, SIGTERMs the service once they are under way. */
  async function burstWithSigterm(baseUrl: string, victim: ServiceProcess, count: number) {
    const tokens = await Promise.all(Array.from({ length: count }, () => chat.visitor()));
    const target = new Api(baseUrl);
    const outcomes = tokens.map((token) =>
      target.room({ token }).then(
        (res) => ({ status: res.status, error: res.body.error, token }),
        (err: NodeJS.ErrnoException) => ({ status: 0, error: err.code ?? err.message, token }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 15));
    const started = Date.now();
    const exit = victim.stop('SIGTERM', 20_000);
    const results = await Promise.all(outcomes);
    const { code, signal } = await exit;
    return { results, code, signal, shutdownMs: Date.now() - started };
  }

  it('gateway: every request in hand is answered, no connection is reset, exit 0', async () => {
    const gateway = stack.service('gateway', 0);
    try {
      const { results, code, shutdownMs } = await burstWithSigterm(stack.baseUrls[0], gateway, 150);
      const resets = results.filter((r) => r.error === 'ECONNRESET' || /socket hang up/i.test(String(r.error)));
      expect(resets).toEqual([]);
      // Every request got a whole answer (a 504 only if the saturated machine passed the deadline),
      // or was refused a connection before it started: none was cut off half-way.
      for (const r of results) expect([200, 504, 0]).toContain(r.status);
      for (const r of results.filter((x) => x.status === 0)) expect(r.error).toBe('ECONNREFUSED');
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect(code).toBe(0);
      expect(shutdownMs).toBeLessThan(10_000);
      expect(gateway.logs()).toContain('SIGTERM: shutting down');
    } finally {
      if (!gateway.running) await gateway.start();
    }
  });

  it('rooms: requests in hand are answered by the stopping replica, new ones by the other; exit 0', async () => {
    const rooms = stack.service('rooms', 0);
    try {
      const { results, code, shutdownMs } = await burstWithSigterm(stack.baseUrl, rooms, 100);
      expect(results.filter((r) => r.status !== 200)).toEqual([]);
      expect(code).toBe(0);
      expect(shutdownMs).toBeLessThan(10_000);
    } finally {
      if (!rooms.running) await rooms.start();
    }
  });

  it('rooms: hot-path lookups in hand (read in batches) are all answered when a replica stops; exit 0', async () => {
    // Visitors who already have their room: each GET is the batched lookup, answered without routing.
    const tokens = await Promise.all(Array.from({ length: 60 }, () => chat.openRoom().then((r) => r.token)));
    const rooms = stack.service('rooms', 0);
    const target = new Api(stack.baseUrl);
    let asking = true;
    const outcomes: { status: number; error?: unknown }[] = [];
    const load = Promise.all(
      tokens.map(async (token) => {
        while (asking) {
          const res = await target.room({ token }).then(
            (r) => ({ status: r.status, error: r.body.error, newRoom: r.body.newRoom }),
            (err: NodeJS.ErrnoException) => ({ status: 0, error: err.code ?? err.message, newRoom: undefined }),
          );
          outcomes.push(res);
          if (res.newRoom !== false && res.status === 200) outcomes.push({ status: -1, error: `a new room for ${token}` });
        }
      }),
    );
    try {
      await expectEventually(() => expect(outcomes.length).toBeGreaterThan(300));
      const { code } = await rooms.stop('SIGTERM', 20_000);
      expect(code).toBe(0);
      const after = outcomes.length;
      await expectEventually(() => expect(outcomes.length).toBeGreaterThan(after + 300));
    } finally {
      asking = false;
      await load;
      if (!rooms.running) await rooms.start();
    }
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
  });

  it('routing: a replica stopped while rooms are being routed exits 0 and nothing is lost', async () => {
    const routing = stack.service('routing', 0);
    try {
      const { results, code } = await burstWithSigterm(stack.baseUrl, routing, 100);
      expect(results.filter((r) => r.status !== 200)).toEqual([]);
      expect(code).toBe(0);
    } finally {
      if (!routing.running) await routing.start();
    }
    await assertInvariants(stack, null, { capacity: 0, expectQueueDrained: true });
  });

  it('every service exits 0 on SIGTERM when idle, after draining NATS and closing the database', async () => {
    await expectEventually(async () => expect(await stack.db.query('SELECT 1 FROM rooms.outbox WHERE published_at IS NULL')).toHaveLength(0));
    for (const service of [stack.service('routing', 1), stack.service('rooms', 1), stack.service('gateway', 1)]) {
      const { code } = await service.stop('SIGTERM', 15_000);
      expect({ service: service.name, code }).toEqual({ service: service.name, code: 0 });
    }
  });
});
