import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { CONSUMERS, STREAMS } from '@livechat/contracts';
import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { Livechat } from '../support/livechat.js';
import { TestPostgresServer } from '../support/postgres-server.js';
import { Scrape } from '../../harness/prometheus.js';
import { ADMIN_TOKEN, TestStack, type ServiceName } from '../../harness/stack.js';

interface HealthReply {
  status: string;
  info: Record<string, { status: string } & Record<string, unknown>>;
  error: Record<string, { status: string } & Record<string, unknown>>;
  details: Record<string, { status: string } & Record<string, unknown>>;
}

/** What each service's readiness checks, by key. */
const READINESS_CHECKS: Record<ServiceName, string[]> = {
  gateway: ['nats'],
  rooms: ['database', 'nats', 'nats-events', `consumer:${CONSUMERS.roomsDecisions}`],
  routing: ['database', 'nats', 'nats-events', `consumer:${CONSUMERS.routingRoomEvents}`],
};

async function health(url: string, probe: 'live' | 'ready'): Promise<{ status: number; body: HealthReply }> {
  const res = await fetch(`${url}/health/${probe}`);
  return { status: res.status, body: (await res.json()) as HealthReply };
}

describe('health and metrics', () => {
  let stack: TestStack;
  let api: Api;
  let chat: Livechat;
  const url = (name: ServiceName) => stack.service(name).healthUrl;

  beforeAll(async () => {
    // A short ack wait, so that a redelivery can be provoked within the test.
    stack = await TestStack.start({ env: { CONSUMER_ACK_WAIT_SECONDS: '2', ADMISSION_TIMEOUT_MS: '500' } });
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    chat = new Livechat(api);
  });
  afterAll(() => stack?.stop());

  it.each(['gateway', 'rooms', 'routing'] as const)('%s answers live 200: the process is up, nothing else asked', async (name) => {
    const { status, body } = await health(url(name), 'live');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.details)).toEqual(['process']);
    expect(body.details.process).toMatchObject({ status: 'up', pid: stack.service(name).pid, eventLoopDelay: { p99Ms: expect.any(Number) } });
  });

  it.each(['gateway', 'rooms', 'routing'] as const)('%s answers ready 200 with each of its checks up', async (name) => {
    const { status, body } = await health(url(name), 'ready');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.details).sort()).toEqual([...READINESS_CHECKS[name]].sort());
    for (const check of Object.values(body.details)) expect(check.status).toBe('up');
    expect(body.error).toEqual({});
  });

  it('keeps GET /health on the gateway as it was', async () => {
    const res = await api.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', nats: 'connected' });
  });

  it("reports the durable consumer's backlog in readiness", async () => {
    const { body } = await health(url('routing'), 'ready');
    expect(body.details[`consumer:${CONSUMERS.routingRoomEvents}`]).toMatchObject({
      stream: 'LIVECHAT',
      durable: CONSUMERS.routingRoomEvents,
      pending: expect.any(Number),
      ackPending: expect.any(Number),
    });
  });

  it('serves /metrics on every service in the Prometheus text format, with the default Node metrics and its own', async () => {
    const [gateway, rooms, routing] = await Promise.all([Scrape.of(url('gateway')), Scrape.of(url('rooms')), Scrape.of(url('routing'))]);
    for (const scrape of [gateway, rooms, routing]) {
      expect(scrape.types.get('process_cpu_user_seconds_total')).toBe('counter');
      expect(scrape.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    }
    expect(gateway.types.get('livechat_http_request_duration_seconds')).toBe('histogram');
    for (const scrape of [rooms, routing]) {
      expect(scrape.types.get('livechat_rpc_duration_seconds')).toBe('histogram');
      expect(scrape.types.get('livechat_outbox_backlog')).toBe('gauge');
      expect(scrape.types.get('livechat_consumer_redeliveries_total')).toBe('counter');
    }
    expect(rooms.types.get('livechat_rooms_opened_total')).toBe('counter');
    expect(rooms.types.get('livechat_rooms_closed_total')).toBe('counter');
    expect(rooms.types.get('livechat_time_to_agent_seconds')).toBe('histogram');
    expect(routing.types.get('livechat_queue_depth')).toBe('gauge');
    // Collected on scrape, from the outbox tables; a redelivery counter exists before any redelivery.
    expect(rooms.has('livechat_outbox_backlog', { table: 'rooms.outbox' })).toBe(true);
    expect(routing.has('livechat_outbox_backlog', { table: 'routing.outbox' })).toBe(true);
    expect(rooms.has('livechat_consumer_redeliveries_total', { durable: CONSUMERS.roomsDecisions })).toBe(true);
    expect(routing.has('livechat_consumer_redeliveries_total', { durable: CONSUMERS.routingRoomEvents })).toBe(true);
  });

  it('moves the counters and histograms when a room is opened, served and closed', async () => {
    const before = { gateway: await Scrape.of(url('gateway')), rooms: await Scrape.of(url('rooms')), routing: await Scrape.of(url('routing')) };
    await api.createAgent('metrics-agent');
    const { token, room } = await chat.openRoom();
    await chat.servedBy(token, room._id);
    expect((await api.closeRoom(room._id, token)).status).toBe(200);
    expect((await api.closeRoom(room._id, token)).status).toBe(400); // room-closed
    expect((await api.get('/no/such/route')).status).toBe(404);
    const visitor = await api.get(`/api/v1/livechat/visitor/${token}`);
    expect(visitor.status).toBe(200);

    await expectEventually(async () => {
      const after = { gateway: await Scrape.of(url('gateway')), rooms: await Scrape.of(url('rooms')), routing: await Scrape.of(url('routing')) };
      const moved = (service: keyof typeof after, name: string, labels: Record<string, string> = {}) =>
        after[service].value(name, labels) - before[service].value(name, labels);

      // gateway: by route pattern (never the raw URL), method and status class
      const http = 'livechat_http_request_duration_seconds_count';
      expect(moved('gateway', http, { route: '/api/v1/livechat/room', method: 'GET', status_class: '2xx' })).toBeGreaterThanOrEqual(2);
      expect(moved('gateway', http, { route: '/api/v1/livechat/room.close', method: 'POST', status_class: '2xx' })).toBe(1);
      expect(moved('gateway', http, { route: '/api/v1/livechat/room.close', method: 'POST', status_class: '4xx' })).toBe(1);
      expect(moved('gateway', http, { route: '/api/v1/livechat/visitor/:token', method: 'GET', status_class: '2xx' })).toBe(1);
      expect(moved('gateway', http, { route: 'unmatched', method: 'GET', status_class: '4xx' })).toBe(1);
      expect(after.gateway.samples.some((s) => s.labels.route?.includes(token))).toBe(false);
      expect(moved('gateway', 'livechat_http_request_duration_seconds_sum', { route: '/api/v1/livechat/room.close' })).toBeGreaterThan(0);

      // rooms: the room's life, its time to agent, and each RPC by subject and outcome
      expect(moved('rooms', 'livechat_rooms_opened_total')).toBe(1);
      expect(moved('rooms', 'livechat_rooms_closed_total')).toBe(1);
      expect(moved('rooms', 'livechat_time_to_agent_seconds_count')).toBe(1);
      expect(moved('rooms', 'livechat_time_to_agent_seconds_sum')).toBeGreaterThan(0);
      expect(moved('rooms', 'livechat_time_to_agent_seconds_bucket', { le: '+Inf' })).toBe(1);
      const rpc = 'livechat_rpc_duration_seconds_count';
      expect(moved('rooms', rpc, { subject: 'rooms.get-or-open', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
      expect(moved('rooms', rpc, { subject: 'rooms.close', outcome: 'ok' })).toBe(1);
      expect(moved('rooms', rpc, { subject: 'rooms.close', outcome: 'room-closed' })).toBe(1);
      expect(moved('rooms', rpc, { subject: 'rooms.get-visitor', outcome: 'ok' })).toBe(1);

      // routing: the agent's creation and the room's admission
      expect(moved('routing', rpc, { subject: 'routing.create-agent', outcome: 'ok' })).toBe(1);
      expect(moved('routing', rpc, { subject: 'routing.admit-room', outcome: 'ok' })).toBe(1);
      expect(moved('routing', 'livechat_rpc_duration_seconds_sum', { subject: 'routing.admit-room' })).toBeGreaterThan(0);

      // Every event went out: nothing left in either outbox.
      expect(after.rooms.value('livechat_outbox_backlog', { table: 'rooms.outbox' })).toBe(0);
      expect(after.routing.value('livechat_outbox_backlog', { table: 'routing.outbox' })).toBe(0);
    }, { timeoutMs: 10_000, intervalMs: 200 });
  });

  it('shows the queue depth of a department while its room waits, and 0 once an agent takes it', async () => {
    await chat.retireAllAgents();
    await api.setSetting('Livechat_accept_chats_with_no_agents', true);
    const agentId = await api.createAgent('queue-metrics-agent');
    await api.setAvailability(agentId, 'not-available');
    const { department } = await api.saveDepartment({ name: 'Metrics', enabled: true, showOnRegistration: true }, [{ agentId }]);
    const depth = async () => (await Scrape.of(url('routing'))).value('livechat_queue_depth', { department: department._id });
    expect(await depth()).toBe(0);

    const { token, room } = await chat.openRoom({ department: department._id });
    await expectEventually(async () => expect(await depth()).toBe(1));
    expect((await Scrape.of(url('routing'))).has('livechat_queue_depth', { department: 'none' })).toBe(true);

    await api.setAvailability(agentId, 'available');
    expect(await chat.servedBy(token, room._id)).toBe('queue-metrics-agent');
    await expectEventually(async () => expect(await depth()).toBe(0));
    await api.setSetting('Livechat_accept_chats_with_no_agents', false);
  });

  it('counts a redelivery when routing sat on a room event past the ack wait', async () => {
    const routing = stack.service('routing');
    const redeliveries = async () =>
      (await Scrape.of(url('routing'))).value('livechat_consumer_redeliveries_total', { durable: CONSUMERS.routingRoomEvents });
    const before = await redeliveries();
    await api.createAgent('redelivery-agent');
    const nc = await connect({ servers: stack.nats.url });
    const ackPending = async () => (await (await jetstreamManager(nc)).consumers.info(STREAMS.events.name, CONSUMERS.routingRoomEvents)).num_ack_pending;
    try {
      // Only an event that reached routing before it stopped is redelivered. Routing's pull request
      // lives 1 s, so the room is closed (room.closed needs no answer from routing) right after
      // routing stops; when its pull ran out first, the event waits on the server instead, and the
      // test goes again.
      const activeChats = async (username: string) => (await api.agents()).find((a) => a.username === username)?.activeChats as number;
      let agent = '';
      let servingBefore = 0;
      for (let attempt = 1; ; attempt += 1) {
        const { token, room } = await chat.openRoom();
        agent = await chat.servedBy(token, room._id);
        servingBefore = await activeChats(agent);
        process.kill(routing.pid!, 'SIGSTOP');
        let held = false;
        try {
          expect((await api.closeRoom(room._id, token)).status).toBe(200);
          held = await expectEventually(async () => expect(await ackPending()).toBeGreaterThan(0), { timeoutMs: 1_500, intervalMs: 50 }).then(
            () => true,
            () => false,
          );
          if (held) await new Promise((resolve) => setTimeout(resolve, 3_000)); // past CONSUMER_ACK_WAIT_SECONDS=2
        } finally {
          process.kill(routing.pid!, 'SIGCONT');
        }
        if (held) break;
        if (attempt === 5) throw new Error('routing never held a room event when it stopped');
      }
      await expectEventually(async () => expect(await redeliveries()).toBeGreaterThan(before), { timeoutMs: 15_000, intervalMs: 200 });
      // Handled once all the same: the agent's capacity was released once, not twice.
      await expectEventually(async () => expect(await activeChats(agent)).toBe(servingBefore - 1));
    } finally {
      await nc.close();
    }
  });

  it('turns readiness 503 when NATS is killed, keeps liveness 200, and recovers by itself', async () => {
    await stack.nats.kill('SIGKILL');
    try {
      for (const name of ['rooms', 'routing', 'gateway'] as const) {
        const ready = await expectEventually(async () => {
          const r = await health(url(name), 'ready');
          expect(r.status).toBe(503);
          return r;
        });
        expect(ready.body.status).toBe('error');
        expect(ready.body.error.nats).toMatchObject({ status: 'down' });
        expect((await health(url(name), 'live')).status).toBe(200);
      }
      const rooms = await health(url('rooms'), 'ready');
      expect(rooms.body.details.database).toMatchObject({ status: 'up' }); // only what is down is down
    } finally {
      await stack.nats.restart();
    }
    for (const name of ['rooms', 'routing', 'gateway'] as const) {
      await expectEventually(async () => {
        const r = await health(url(name), 'ready');
        expect(r.status).toBe(200);
        expect(r.body.status).toBe('ok');
      }, { timeoutMs: 20_000, intervalMs: 200 });
    }
  });
});

describe('health with PostgreSQL down, metrics switched off', () => {
  let postgres: TestPostgresServer;
  let stack: TestStack;

  beforeAll(async () => {
    postgres = await TestPostgresServer.start();
    stack = await TestStack.start({ databaseAdminUrl: postgres.adminUrl, env: { METRICS_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await stack?.stop();
    postgres?.stop();
  });

  it('does not serve /metrics when METRICS_ENABLED=false', async () => {
    for (const service of stack.services) expect((await fetch(`${service.healthUrl}/metrics`)).status).toBe(404);
  });

  it('turns readiness of rooms and routing 503 while PostgreSQL is down, and 200 again when it is back', async () => {
    postgres.kill();
    try {
      for (const name of ['rooms', 'routing'] as const) {
        const ready = await expectEventually(async () => {
          const r = await health(stack.service(name).healthUrl, 'ready');
          expect(r.status).toBe(503);
          return r;
        });
        expect(ready.body.error.database).toMatchObject({ status: 'down' });
        expect(ready.body.info.nats).toMatchObject({ status: 'up' });
        expect((await health(stack.service(name).healthUrl, 'live')).status).toBe(200);
      }
      // The gateway does not use the database; a request that needs it is answered 503 meanwhile.
      expect((await health(stack.baseUrl, 'ready')).status).toBe(200);
      const res = await new Api(stack.baseUrl).get('/api/v1/livechat/visitor/anyone');
      expect({ status: res.status, body: res.body }).toEqual({ status: 503, body: { success: false, error: 'service-unavailable' } });
      // Said so by rooms' RPC error filter, which the hybrid application applies to NATS requests
      // (log lines are written out within 100 ms).
      await expectEventually(() => expect(stack.service('rooms').logs()).toMatch(/dependency unavailable on rooms\.get-visitor/));
    } finally {
      await postgres.restart();
    }
    for (const name of ['rooms', 'routing'] as const) {
      await expectEventually(async () => expect((await health(stack.service(name).healthUrl, 'ready')).status).toBe(200), {
        timeoutMs: 20_000,
        intervalMs: 200,
      });
    }
  });
});
