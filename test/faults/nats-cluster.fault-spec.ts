import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { CONSUMERS, STREAMS } from '@livechat/contracts';
import { summarize } from '../../harness/percentiles.js';
import { Api } from '../../harness/http.js';
import { expectEventually } from '../../harness/eventually.js';
import { assertInvariants } from '../support/invariants.js';
import { readStream } from '../../harness/jetstream.js';
import { runVisitorLoad, type CallSample } from '../support/load.js';
import { TestNatsCluster } from '../support/nats-cluster.js';
import type { TestNatsServer } from '../../harness/nats-server.js';
import { ADMIN_TOKEN, LOG_DIR, TestStack, type ServiceProcess } from '../../harness/stack.js';

const RPC_TIMEOUT_MS = 5_000;
/** The services' own deadline for a graceful stop (exitGracefullyOnSignals). */
const SHUTDOWN_DEADLINE_MS = 20_000;

interface Fault {
  fault: string;
  node: string;
  at: number;
  /** Which leaders the node held when it died. */
  led: string[];
  /** From its restart until its streams and consumers were current again (null: not within 20 s). */
  caughtUpMs?: number | null;
}

/**
 * docs/guarantees.md#11-losing-one-nats-node-loses-nothing: NATS as a 3-node cluster, the streams and durable consumers replicated ×3. Under
 * load (new rooms, assignments, closes) the node leading the room-events stream is SIGKILLed,
 * restarted, then another node is: nothing is lost or duplicated, no request fails after the
 * client's retry, no service restarts, and rooms opened while a node is away are served within
 * seconds. A service asked to stop while a node is away stops within its deadline.
 */
describe('NATS as a 3-node cluster, a node SIGKILLed under load', () => {
  let cluster: TestNatsCluster;
  let stack: TestStack<TestNatsCluster>;
  let api: Api;
  const report: Record<string, unknown>[] = [];

  beforeAll(async () => {
    cluster = await TestNatsCluster.start(3, LOG_DIR);
    // As an install that ran on one replica before: the stack must bring them to three.
    const jsm = await cluster.manager();
    await jsm.streams.add({ name: STREAMS.events.name, subjects: [STREAMS.events.subjects[0]], num_replicas: 1 });
    await jsm.consumers.add(STREAMS.events.name, {
      durable_name: CONSUMERS.routingRoomEvents,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: 'room.*',
      num_replicas: 1,
    });
    stack = await TestStack.start({
      nats: cluster,
      replicas: { gateway: 2, rooms: 2, routing: 2 },
      env: {
        NATS_STREAM_REPLICAS: '3',
        RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS),
        ADMISSION_TIMEOUT_MS: '1000',
        // Six services on the machine's shared PostgreSQL: fewer connections each.
        DATABASE_POOL_SIZE: '8',
      },
    });
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    for (let i = 0; i < 8; i += 1) await api.createAgent(`cluster-agent-${i}`);
  });

  afterAll(async () => {
    console.table(report);
    await stack?.stop();
  });

  it('creates the streams and durable consumers with three replicas, raising an existing stream and consumer to them', async () => {
    const jsm = await cluster.manager();
    // The nodes that hold it: its leader and its other replicas (JetStream copies to new ones in the background).
    const holders = (info: { cluster?: { leader?: string; replicas?: { name: string }[] } }) =>
      [...new Set([info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)])].filter(Boolean).sort();
    const allNodes = cluster.nodes.map((n) => n.name).sort();
    await expectEventually(async () => {
      for (const stream of [STREAMS.events, STREAMS.decisions]) {
        const info = await jsm.streams.info(stream.name);
        expect({ stream: stream.name, replicas: info.config.num_replicas, on: holders(info) }).toEqual({ stream: stream.name, replicas: 3, on: allNodes });
        expect(info.config.subjects).toEqual(expect.arrayContaining([...stream.subjects]));
      }
      for (const [stream, durable] of [
        [STREAMS.events.name, CONSUMERS.routingRoomEvents],
        [STREAMS.decisions.name, CONSUMERS.roomsDecisions],
      ]) {
        const info = await jsm.consumers.info(stream, durable);
        expect({ durable, replicas: info.config.num_replicas, on: holders(info) }).toEqual({ durable, replicas: 3, on: allNodes });
      }
    }, { timeoutMs: 15_000, intervalMs: 200 });
  });

  it('loses and doubles nothing and serves rooms within seconds when the stream leader, then another node, is SIGKILLed', async () => {
    const pids = stack.services.map((s) => s.pid);
    const faults: Fault[] = [];
    const started = Date.now();
    const load = runVisitorLoad({ baseUrls: stack.baseUrls, concurrency: 12, durationMs: 30_000, maxVisitors: 3_000, closeRatio: 0.5 });

    const kill = async (fault: string, node: TestNatsServer) => {
      faults.push({ fault, node: node.name, at: Date.now(), led: await leadersOn(node) });
      await node.kill('SIGKILL');
    };
    // Restarted, and given up to 20 s to catch up before the next kill, as an operator would wait.
    const restart = async (node: TestNatsServer) => {
      await node.restart();
      faults.find((f) => f.node === node.name && f.caughtUpMs === undefined)!.caughtUpMs = await node.caughtUp(20_000);
    };
    await sleep(4_000);
    const first = await cluster.leaderOf(STREAMS.events.name);
    await kill(`SIGKILL the ${STREAMS.events.name} leader`, first);
    await sleep(8_000);
    await restart(first);
    // The stack back to normal (the first outage's backlog relayed and routed) before the next one.
    await sleep(4_000);
    // Another node: the one leading routing's consumer of room events if the first kill spared it.
    const consumerLeader = await cluster.leaderOf(STREAMS.events.name, CONSUMERS.routingRoomEvents);
    const second = consumerLeader !== first ? consumerLeader : await cluster.leaderOf(STREAMS.events.name);
    await kill('SIGKILL another node', second);
    await sleep(8_000);
    await restart(second);
    const report_ = await load;

    const figures = await assertInvariants(stack, report_, { capacity: 0, expectQueueDrained: true });

    // Time to agent, from the stream: from room.opened's room.ts (the room's commit) to when the
    // stream stored its room.assigned (rooms applied routing's decision and published it).
    const events = await readStream(cluster.url);
    const openedAt = new Map<string, number>();
    const assignedAt = new Map<string, number>();
    for (const e of events) {
      if (e.subject === 'room.opened') openedAt.set(e.data.room._id, Date.parse(e.data.room.ts));
      if (e.subject === 'room.assigned' && !assignedAt.has(e.data.room._id)) assignedAt.set(e.data.room._id, e.storedAt);
    }
    const toAgent = [...openedAt].filter(([rid]) => assignedAt.has(rid)).map(([rid, at]) => ({ at, ms: assignedAt.get(rid)! - at }));
    const windows = [
      { name: 'before the first kill', from: started, to: faults[0].at, caughtUpMs: undefined as number | null | undefined },
      ...faults.map((f) => ({ name: `${f.fault} (${f.node}, leading ${f.led.join(', ') || 'nothing'})`, from: f.at, to: f.at + 8_000, caughtUpMs: f.caughtUpMs })),
    ].map((w) => {
      const calls = report_.calls.filter((c: CallSample) => c.startedAt >= w.from && c.startedAt < w.to);
      const opened = [...openedAt.values()].filter((at) => at >= w.from && at < w.to).length;
      const rooms = toAgent.filter((r) => r.at >= w.from && r.at < w.to);
      return { ...w, calls, opened, requests: summarize(calls.map((c) => c.ms)), served: summarize(rooms.map((r) => r.ms)) };
    });
    for (const w of windows) {
      report.push({
        window: w.name,
        calls: w.calls.length,
        retried: w.calls.filter((c) => c.attempts > 1).length,
        'call p50/p99/max ms': `${w.requests.p50}/${w.requests.p99}/${w.requests.max}`,
        // Rooms closed by their visitor before an agent came are opened but never served.
        'rooms opened': w.opened,
        served: w.served.count,
        'to agent p50/p99/max ms': `${w.served.p50}/${w.served.p99}/${w.served.max}`,
        'caught up after restart, ms': w.caughtUpMs === undefined ? '' : (w.caughtUpMs ?? 'not within 20 s'),
      });
    }
    report.push({
      window: 'whole run',
      calls: report_.calls.length,
      requests: report_.requests,
      'rooms answered': report_.opened.size,
      'closes confirmed': report_.closed.size,
      events: figures.events,
      duplicated: figures.duplicates,
      statuses: JSON.stringify(report_.statuses),
      transport: JSON.stringify(report_.transportErrors),
    });

    // Every open room is served (eight agents, no limit), and nothing is stored twice.
    expect(await stack.db.query('SELECT id FROM rooms.rooms WHERE open AND served_by_id IS NULL')).toEqual([]);
    expect(figures.duplicates).toBe(0);
    // No request fails after the client's retries, and none failed for another reason than a deadline.
    expect(report_.gaveUp).toBe(0);
    expect(Object.keys(report_.statuses).filter((s) => s.startsWith('5') && !/^50[34]/.test(s))).toEqual([]);
    // Every room went through routing's admission: none was opened without it because a node was away.
    for (const rooms of stack.all('rooms')) expect(rooms.logs()).not.toContain('opening without the agent checks');
    // No service restarted or died.
    expect(stack.services.map((s) => ({ service: `${s.name}#${s.replica}`, running: s.running, pid: s.pid }))).toEqual(
      stack.services.map((s, i) => ({ service: `${s.name}#${s.replica}`, running: true, pid: pids[i] })),
    );
    // Each gateway's console feed (an ordered consumer, held by one node) follows the stream again.
    const latest = events.at(-1)!.data.room._id as string;
    for (const baseUrl of stack.baseUrls) {
      await expectEventually(async () => {
        const res = await new Api(baseUrl, ADMIN_TOKEN).get<{ rooms: { _id: string }[]; feed: { live: boolean } }>('/api/v1/console/rooms.recent?count=100', { admin: true });
        expect({ live: res.body.feed.live, latestListed: res.body.rooms.some((r) => r._id === latest) }).toEqual({ live: true, latestListed: true });
      }, { timeoutMs: 15_000, intervalMs: 200 });
    }
    // Rooms opened while a node was away are served within seconds, not tens of seconds.
    for (const w of windows) if (w.served.count > 0) expect(w.served.max, `slowest time to agent, rooms opened ${w.name}`).toBeLessThanOrEqual(20_000);
  });

  it('publishes recent events again once a stream elects a leader, so an event its new leader came back without arrives', async () => {
    const token = `elected-${Date.now()}`;
    await api.registerVisitor({ token });
    const rid = (await api.room({ token })).body.room._id as string;
    const openedOf = async () => (await readStream(cluster.url)).filter((e) => e.subject === 'room.opened' && e.data.room._id === rid);
    const [opened] = await expectEventually(async () => {
      const mine = await openedOf();
      expect(mine).toHaveLength(1);
      return mine;
    }, { timeoutMs: 20_000 });
    // As a killed nats-server 2.9 node can come back: without a message the stream acknowledged.
    // The message is erased on every node; a node restarted afterwards rebuilds its duplicate
    // filter from its store, so it does not know the message id any more either.
    const jsm = await cluster.manager();
    await jsm.streams.deleteMessage(STREAMS.events.name, opened.seq, true);
    expect(await openedOf()).toEqual([]);
    const comesBackWithout = cluster.nodes[0];
    await comesBackWithout.kill('SIGKILL');
    await comesBackWithout.restart();
    expect(await comesBackWithout.caughtUp(20_000)).not.toBeNull();
    // That node is elected the stream's leader (each step-down elects one of the others at random).
    const nc = await connect({ servers: cluster.url.split(',') });
    try {
      await expectEventually(async () => {
        const leader = await cluster.leaderOf(STREAMS.events.name);
        if (leader === comesBackWithout) return;
        await nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${STREAMS.events.name}`, '', { timeout: 2_000 }).catch(() => undefined);
        throw new Error(`${STREAMS.events.name} is led by ${leader.name}, not ${comesBackWithout.name} yet`);
      }, { timeoutMs: 60_000, intervalMs: 1_000 });
    } finally {
      await nc.close();
    }
    // The outboxes publish their last minute of events again: the room's room.opened is stored again, once.
    const back = await expectEventually(async () => {
      const mine = await openedOf();
      expect(mine).toHaveLength(1);
      return mine;
    }, { timeoutMs: 20_000, intervalMs: 500 });
    expect(back[0].data.eventId).toBe(opened.data.eventId);
  });

  it('stops a service asked to stop within its deadline while JetStream cannot store (two nodes away)', async () => {
    // Two of three nodes away: the streams have no quorum, so no publish is acknowledged and the
    // outbox relays keep failing, while requests still go through the third node.
    const [away1, away2] = [await cluster.leaderOf(STREAMS.events.name), ...cluster.nodes].filter((n, i, all) => all.indexOf(n) === i);
    const seen = stack.all('rooms').map((r) => r.logs().length);
    await Promise.all([away1.kill('SIGKILL'), away2.kill('SIGKILL')]);
    try {
      // As a client would: asked again while the services' connections move to the live node.
      const visitor = `stopping-${Date.now()}`;
      await expectEventually(async () => expect((await api.registerVisitor({ token: visitor })).status).toBe(200), { timeoutMs: 15_000, intervalMs: 200 });
      await expectEventually(async () => expect((await api.room({ token: visitor })).status).toBe(200), { timeoutMs: 15_000, intervalMs: 200 });
      const [rooms, routing, gateway] = [stack.service('rooms', 1), stack.service('routing', 1), stack.service('gateway', 1)];
      // The room's room.opened is in the outbox, and the relays fail to publish it.
      await expectEventually(() => expect(stack.all('rooms').some((r, i) => r.logs().slice(seen[i]).includes('relay failed'))).toBe(true), {
        timeoutMs: 15_000,
      });
      const stops = await Promise.all([rooms, routing, gateway].map(stopTimed));
      report.push(...stops.map((s) => ({ window: `SIGTERM ${s.service} with ${away1.name} and ${away2.name} away`, 'exit code': s.code, 'stopped in ms': s.ms })));
      for (const s of stops) expect({ service: s.service, code: s.code, inTime: s.ms < SHUTDOWN_DEADLINE_MS }).toEqual({ service: s.service, code: 0, inTime: true });
    } finally {
      await Promise.all([away1.restart(), away2.restart()]);
    }
    // Once the nodes are back, the room's event goes out through the replica still running.
    await expectEventually(async () => expect(await stack.db.query('SELECT 1 FROM rooms.outbox WHERE published_at IS NULL')).toHaveLength(0), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  });

  it('stops a service asked to stop within its deadline with every NATS node away', async () => {
    await Promise.all(cluster.nodes.map((node) => node.kill('SIGKILL')));
    const stops = await Promise.all([stack.service('rooms', 0), stack.service('routing', 0), stack.service('gateway', 0)].map(stopTimed));
    report.push(...stops.map((s) => ({ window: `SIGTERM ${s.service} with every node away`, 'exit code': s.code, 'stopped in ms': s.ms })));
    for (const s of stops) expect({ service: s.service, code: s.code, inTime: s.ms < SHUTDOWN_DEADLINE_MS }).toEqual({ service: s.service, code: 0, inTime: true });
  });

  /** SIGTERM, and how long the service took to exit (killed 5 s past its own deadline). */
  async function stopTimed(service: ServiceProcess): Promise<{ service: string; code: number | null; ms: number }> {
    const t0 = Date.now();
    const { code } = await service.stop('SIGTERM', SHUTDOWN_DEADLINE_MS + 5_000);
    return { service: service.name, code, ms: Date.now() - t0 };
  }

  /** The streams and durable consumers whose leader is this node. */
  async function leadersOn(node: TestNatsServer): Promise<string[]> {
    const jsm = await cluster.manager();
    const led: string[] = [];
    for (const [stream, durable] of [
      [STREAMS.events.name, undefined],
      [STREAMS.events.name, CONSUMERS.routingRoomEvents],
      [STREAMS.decisions.name, undefined],
      [STREAMS.decisions.name, CONSUMERS.roomsDecisions],
    ] as const) {
      const info = durable ? await jsm.consumers.info(stream, durable) : await jsm.streams.info(stream);
      if (info.cluster?.leader === node.name) led.push(durable ?? stream);
    }
    return led;
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
