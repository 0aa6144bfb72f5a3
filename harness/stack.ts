import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestDatabase } from './database.js';
import { expectEventually } from './eventually.js';
import { TestNatsServer, type NatsUnderTest } from './nats-server.js';
import { freePort } from './ports.js';

export type ServiceName = 'gateway' | 'rooms' | 'routing';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The build under test (`npm run build` writes dist/). */
const DIST = process.env.TEST_DIST_DIR ?? join(ROOT, 'dist');
/** Extra node flags for every service, e.g. `--cpu-prof --cpu-prof-dir=prof` to profile a benchmark. */
const NODE_ARGS = (process.env.LIVECHAT_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** Where the services (and a test's own NATS cluster) write their logs. */
export const LOG_DIR = process.env.TEST_LOG_DIR ?? join(ROOT, 'test', 'logs');
export const ADMIN_TOKEN = 'test-operator-token';

/** One running replica of a service: a separate Node process started from the build output. */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private output = '';
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;

  constructor(
    readonly name: ServiceName,
    readonly replica: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
    private readonly nodeArgs: string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Where the replica answers /health/live, /health/ready and /metrics (the gateway: its API port). */
  get healthUrl(): string {
    return `http://127.0.0.1:${this.name === 'gateway' ? this.env.PORT : this.env.HEALTH_PORT}`;
  }

  get running(): boolean {
    return this.child !== null && this.exitCode === null && this.exitSignal === null;
  }

  /** Starts the process and waits until it says it is listening. */
  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    this.exitCode = null;
    this.exitSignal = null;
    this.output = '';
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const entry = join(DIST, 'apps', this.name, 'apps', this.name, 'src', 'main.js');
    const child = spawn(process.execPath, [...NODE_ARGS, ...this.nodeArgs, entry], {
      env: { ...process.env, ...this.env, ...extraEnv, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      log.write(chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code, signal) => {
      this.exitCode = code;
      this.exitSignal = signal;
      log.end();
    });
    // Up once its HTTP listener answers: every service opens it last, after its NATS subscriptions
    // (so this holds whatever LOG_LEVEL says). Five services booting at once on a busy 2-core
    // machine have taken close to 30 s.
    await expectEventually(
      async () => {
        if (!this.running) throw new Error(`${this.name}#${this.replica} exited (${this.exitCode ?? this.exitSignal}):\n${this.output}`);
        const live = await fetch(`${this.healthUrl}/health/live`).catch(() => null);
        if (live?.status !== 200) throw new Error(`${this.name}#${this.replica} not ready:\n${this.output}`);
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
  }

  /** Sends a signal and waits for the process to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (child && this.running) {
      await new Promise<void>((resolveExit) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolveExit();
        });
        child.kill(signal);
      });
    }
    return { code: this.exitCode, signal: this.exitSignal };
  }

  logs(): string {
    return this.output;
  }
}

export interface StackOptions {
  replicas?: Partial<Record<ServiceName, number>>;
  env?: Record<string, string>;
  /** A PostgreSQL server other than the machine's (e.g. a TestPostgresServer the test may kill). */
  databaseAdminUrl?: string;
  /** Node flags for every service, after LIVECHAT_NODE_ARGS (a benchmark's `--import` hook). */
  nodeArgs?: string[];
}

/**
 * The whole product for one test file: its own database and NATS server (or the NATS cluster the
 * test started, `nats`), and each service as its own process (several replicas where asked). Stop
 * it in afterAll; it stops its NATS too.
 */
export class TestStack<N extends NatsUnderTest = TestNatsServer> {
  readonly services: ServiceProcess[] = [];

  private constructor(
    readonly db: TestDatabase,
    readonly nats: N,
    readonly gatewayPorts: number[],
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.gatewayPorts[0]}`;
  }

  get baseUrls(): string[] {
    return this.gatewayPorts.map((port) => `http://127.0.0.1:${port}`);
  }

  static start(options?: StackOptions): Promise<TestStack>;
  static start<N extends NatsUnderTest>(options: StackOptions & { nats: N }): Promise<TestStack<N>>;
  static async start(options: StackOptions & { nats?: NatsUnderTest } = {}): Promise<TestStack<NatsUnderTest>> {
    const [db, nats] = await Promise.all([TestDatabase.create(options.databaseAdminUrl), options.nats ?? TestNatsServer.start()]);
    const replicas = { gateway: 1, rooms: 1, routing: 1, ...options.replicas };
    const ports = await Promise.all(Array.from({ length: replicas.gateway }, () => freePort()));
    const stack = new TestStack<NatsUnderTest>(db, nats, ports);
    mkdirSync(LOG_DIR, { recursive: true });
    const common = {
      NATS_URL: nats.url,
      DATABASE_URL: db.url,
      LIVECHAT_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'log',
      OUTBOX_POLL_MS: '200',
      RPC_TIMEOUT_MS: '5000',
      ...options.env,
    };
    for (const name of ['rooms', 'routing', 'gateway'] as const) {
      for (let i = 0; i < replicas[name]; i += 1) {
        const env: Record<string, string> = { ...common };
        if (name === 'gateway') env.PORT = String(ports[i]);
        else env.HEALTH_PORT = String(await freePort());
        const logFile = join(LOG_DIR, `${db.name}-${name}-${i}.log`);
        stack.services.push(new ServiceProcess(name, i, env, logFile, options.nodeArgs));
      }
    }
    try {
      // Rooms first (it creates the stream and its schema), then the others in parallel.
      const [firstRooms, ...rest] = [...stack.all('rooms'), ...stack.all('routing'), ...stack.all('gateway')];
      await firstRooms.start();
      await Promise.all(rest.map((s) => s.start()));
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  all(name: ServiceName): ServiceProcess[] {
    return this.services.filter((s) => s.name === name);
  }

  service(name: ServiceName, replica = 0): ServiceProcess {
    const found = this.services.find((s) => s.name === name && s.replica === replica);
    if (!found) throw new Error(`no ${name}#${replica} in this stack`);
    return found;
  }

  async stop(): Promise<void> {
    // A profiled service writes its profile when it exits, which SIGKILL would prevent.
    const signal = NODE_ARGS.includes('--cpu-prof') ? 'SIGTERM' : 'SIGKILL';
    await Promise.all(this.services.map((s) => s.stop(signal)));
    await this.nats.stop();
    await this.db.drop();
  }
}
