import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { expectEventually } from './eventually.js';
import { freePort } from './ports.js';

const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/** A NATS server with JetStream of the test's own, on a free loopback port, with its own store. */
export class TestNatsServer {
  private process: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly storeDir: string,
  ) {}

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<TestNatsServer> {
    const server = new TestNatsServer(await freePort(), mkdtempSync(join(tmpdir(), 'livechat-nats-')));
    await server.restart();
    return server;
  }

  /** Starts the server again on the same port and store (after `kill`). */
  async restart(): Promise<void> {
    this.process = spawn(NATS_SERVER_BIN, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], {
      stdio: 'ignore',
    });
    await expectEventually(
      async () => {
        const nc = await connect({ servers: this.url, reconnect: false, timeout: 500 });
        await nc.close();
      },
      { timeoutMs: 10_000, intervalMs: 50 },
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
