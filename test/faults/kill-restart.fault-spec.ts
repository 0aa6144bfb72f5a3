import { Api } from '../../harness/http.js';
import { assertInvariants } from '../support/invariants.js';
import { runVisitorLoad, type LoadReport } from '../support/load.js';
import { TestPostgresServer } from '../support/postgres-server.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

const CAPACITY = 50;
const RPC_TIMEOUT_MS = 2_000;

/**
 * docs/guarantees.md (1 to 5) under SIGKILL: while visitors open and close rooms against two replicas of every
 * service, one piece is killed and started again. Afterwards nothing is lost or doubled.
 */
describe('kill and restart under load', () => {
  let postgres: TestPostgresServer;
  let stack: TestStack;
  let api: Api;
  const report: Record<string, unknown>[] = [];

  beforeAll(async () => {
    postgres = await TestPostgresServer.start();
    stack = await TestStack.start({
      replicas: { gateway: 2, rooms: 2, routing: 2 },
      databaseAdminUrl: postgres.adminUrl,
      env: { RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS), ADMISSION_TIMEOUT_MS: '1000', CONSUMER_ACK_WAIT_SECONDS: '3' },
    });
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    await api.setSetting('Livechat_maximum_chats_per_agent', CAPACITY);
    for (let i = 0; i < 8; i += 1) await api.createAgent(`fault-agent-${i}`);
  });

  afterAll(async () => {
    console.table(report);
    await stack?.stop();
    postgres?.stop();
  });

  /** Runs the load, kills the target 1 s in, starts it again 2 s later, and waits for the load to end. */
  async function underLoad(kill: () => Promise<void> | void, restart: () => Promise<void>): Promise<LoadReport> {
    const load = runVisitorLoad({ baseUrls: stack.baseUrls, concurrency: 16, durationMs: 6_000, maxVisitors: 400, closeRatio: 0.5 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await kill();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await restart();
    return load;
  }

  async function check(fault: string, load: LoadReport): Promise<void> {
    // No service died of the fault it was not the target of (the victim was started again).
    expect(stack.services.filter((s) => !s.running).map((s) => `${s.name}#${s.replica}: ${s.exitCode ?? s.exitSignal}`)).toEqual([]);
    const figures = await assertInvariants(stack, load, { capacity: CAPACITY, expectQueueDrained: true });
    // Nothing hangs: every answered request came back within the deadline, plus the client's slack.
    expect(load.slowestMs).toBeLessThan(RPC_TIMEOUT_MS + 3_000);
    expect(Object.keys(load.statuses).filter((s) => s.startsWith('5') && !/^50[34]/.test(s))).toEqual([]);
    report.push({ fault, requests: load.requests, roomsAnswered: load.opened.size, closesConfirmed: load.closed.size, ...figures, statuses: JSON.stringify(load.statuses), transport: JSON.stringify(load.transportErrors) });
  }

  it.each(['rooms', 'routing', 'gateway'] as const)('loses and doubles nothing when a %s replica is SIGKILLed and restarted', async (name) => {
    const victim = stack.service(name, 0);
    const load = await underLoad(() => victim.stop('SIGKILL').then(() => undefined), () => victim.start());
    await check(`SIGKILL ${name}#0`, load);
  });

  it('loses and doubles nothing when NATS is SIGKILLed and restarted', async () => {
    const load = await underLoad(() => stack.nats.kill('SIGKILL'), () => stack.nats.restart());
    await check('SIGKILL nats', load);
  });

  it('loses and doubles nothing when PostgreSQL crashes and restarts', async () => {
    const load = await underLoad(() => postgres.kill(), () => postgres.restart());
    await check('crash postgres', load);
  });

  it('answers 503 quickly while PostgreSQL is down, and recovers by itself', async () => {
    postgres.kill();
    try {
      const started = performance.now();
      const res = await api.registerVisitor({ token: 'while-postgres-is-down' });
      expect([503, 504]).toContain(res.status);
      expect(performance.now() - started).toBeLessThan(RPC_TIMEOUT_MS + 1_000);
    } finally {
      await postgres.restart();
    }
    const { expectEventually } = await import('../../harness/eventually.js');
    await expectEventually(async () => expect((await api.registerVisitor({ token: 'after-postgres-is-back' })).status).toBe(200), {
      timeoutMs: 20_000,
    });
  });
});
