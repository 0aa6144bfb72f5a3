import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expectEventually } from '../../harness/eventually.js';
import { TestNatsServer, type NatsUnderTest } from '../../harness/nats-server.js';
import { freePort } from '../../harness/ports.js';

/**
 * A NATS cluster of the test's own: `size` nats-server processes on loopback, each with JetStream
 * and its own store, routed to each other (the machine's nats-server binary). Nodes can be killed
 * and restarted one by one; `leaderOf` says which one leads a stream.
 */
export class TestNatsCluster implements NatsUnderTest {
  private admin: NatsConnection | null = null;

  private constructor(readonly nodes: TestNatsServer[]) {}

  /** Every node's URL, comma-separated: NATS_URL for the services. */
  get url(): string {
    return this.nodes.map((node) => node.url).join(',');
  }

  /** Each node logs to `<logDir>/nats-<name>-<port>.log`. */
  static async start(size: number, logDir: string): Promise<TestNatsCluster> {
    mkdirSync(logDir, { recursive: true });
    const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), route: await freePort(), monitor: await freePort() })));
    const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`);
    const nodes = ports.map((p, i) => {
      const storeDir = mkdtempSync(join(tmpdir(), `livechat-nats-n${i + 1}-`));
      const config = [
        `server_name: n${i + 1}`,
        `listen: 127.0.0.1:${p.client}`,
        `http: 127.0.0.1:${p.monitor}`,
        `jetstream { store_dir: ${JSON.stringify(join(storeDir, 'jetstream'))} }`,
        `cluster { name: livechat-test, listen: 127.0.0.1:${p.route}, routes: [${routes.join(', ')}] }`,
      ].join('\n');
      const name = `n${i + 1}`;
      return TestNatsServer.clusterNode({ name, port: p.client, monitorPort: p.monitor, config, storeDir, logFile: join(logDir, `nats-${name}-${p.client}.log`) });
    });
    const cluster = new TestNatsCluster(nodes);
    for (const node of nodes) node.spawn();
    try {
      await Promise.all(nodes.map((node) => node.ready(30_000, { current: true })));
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  node(name: string): TestNatsServer {
    const found = this.nodes.find((node) => node.name === name);
    if (!found) throw new Error(`no node ${name} in this cluster`);
    return found;
  }

  /**
   * The node that leads the stream now, or one of its durable consumers (waits while it has none:
   * a leader is being elected).
   */
  async leaderOf(stream: string, durable?: string): Promise<TestNatsServer> {
    let leader = '';
    await expectEventually(
      async () => {
        const jsm = await jetstreamManager(await this.connection(), { checkAPI: false, timeout: 1_000 });
        const info = durable ? await jsm.consumers.info(stream, durable) : await jsm.streams.info(stream);
        leader = info.cluster?.leader ?? '';
        expect(leader).not.toBe('');
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    return this.node(leader);
  }

  /** A JetStream manager on a connection of the test's own to every node. */
  async manager() {
    return jetstreamManager(await this.connection(), { checkAPI: false, timeout: 2_000 });
  }

  private async connection(): Promise<NatsConnection> {
    this.admin ??= await connect({ servers: this.nodes.map((node) => node.url), maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    return this.admin;
  }

  async stop(): Promise<void> {
    await this.admin?.close().catch(() => undefined);
    this.admin = null;
    await Promise.all(this.nodes.map((node) => node.stop()));
  }
}
