import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { expectEventually } from './eventually.js';
import { freePort } from './ports.js';

const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/** What a test stack needs of the NATS it runs on: one server or a cluster. */
export interface NatsUnderTest {
  /** NATS_URL for the services: one URL, or the cluster's, comma-separated. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A NATS server with JetStream of the test's own, on a free loopback port, with its own store:
 * alone (`start()`), or one node of a TestNatsCluster (started with a configuration file and a
 * monitoring port, whose /healthz says when its JetStream has caught up with the cluster).
 */
export class TestNatsServer implements NatsUnderTest {
  private process: ChildProcess | null = null;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly storeDir: string,
    private readonly args: string[],
    private readonly monitorPort: number | null = null,
  ) {}

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process !== null;
  }

  static async start(): Promise<TestNatsServer> {
    const port = await freePort();
    const storeDir = mkdtempSync(join(tmpdir(), 'livechat-nats-'));
    const server = new TestNatsServer('nats', port, storeDir, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir]);
    await server.restart();
    return server;
  }

  /** A cluster node: its configuration file names the cluster, its routes and its store; it logs to `logFile`. */
  static clusterNode(node: { name: string; port: number; monitorPort: number; config: string; storeDir: string; logFile: string }): TestNatsServer {
    const configFile = join(node.storeDir, 'nats-server.conf');
    writeFileSync(configFile, node.config);
    return new TestNatsServer(node.name, node.port, node.storeDir, ['-c', configFile, '-l', node.logFile], node.monitorPort);
  }

  /** Starts the server again on the same port and store (after `kill`), and waits until it is ready. */
  async restart(): Promise<void> {
    this.spawn();
    await this.ready();
  }

  /** Starts the process without waiting (a cluster's nodes are only ready once enough of them run). */
  spawn(): void {
    this.process = spawn(NATS_SERVER_BIN, this.args, { stdio: 'ignore' });
  }

  /**
   * Takes clients and runs JetStream; a cluster node with `current`, also has every stream and
   * consumer it holds caught up with the cluster (/healthz).
   */
  async ready(timeoutMs = 20_000, { current = false } = {}): Promise<void> {
    await expectEventually(
      async () => {
        const nc = await connect({ servers: this.url, reconnect: false, timeout: 500 });
        await nc.close();
        if (this.monitorPort === null) return;
        const health = await fetch(`http://127.0.0.1:${this.monitorPort}/healthz${current ? '' : '?js-enabled-only=true'}`);
        if (!health.ok) throw new Error(`${this.name} /healthz: ${health.status} ${await health.text()}`);
      },
      { timeoutMs, intervalMs: 50 },
    );
  }

  /**
   * How long until the node's streams and consumers are current with the cluster again (after a
   * restart), or null if they were not within `timeoutMs`: nats-server 2.9 can take long to call a
   * consumer that keeps changing current again.
   */
  async caughtUp(timeoutMs: number): Promise<number | null> {
    const t0 = Date.now();
    return this.ready(timeoutMs, { current: true }).then(
      () => Date.now() - t0,
      () => null,
    );
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
    this.process = null;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
