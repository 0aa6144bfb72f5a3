import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expectEventually } from '../../harness/eventually.js';
import { freePort } from '../../harness/ports.js';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const PG_USER = process.env.PG_OS_USER ?? 'postgres';

/**
 * A PostgreSQL server of the test's own (initdb in a temporary folder, a free loopback port), for
 * tests that kill the database. Runs as the `postgres` OS user, since initdb refuses root.
 */
export class TestPostgresServer {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<TestPostgresServer> {
    const dir = mkdtempSync(join(tmpdir(), 'livechat-pg-'));
    chownSync(dir, Number(execFileSync('id', ['-u', PG_USER]).toString().trim()), Number(execFileSync('id', ['-g', PG_USER]).toString().trim()));
    asPostgres(`${PG_BIN}/initdb`, ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const server = new TestPostgresServer(await freePort(), dir);
    await server.restart();
    return server;
  }

  async restart(): Promise<void> {
    asPostgres(`${PG_BIN}/pg_ctl`, [
      '-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-w',
      '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`,
      'start',
    ]);
    await expectEventually(async () => {
      const client = new pg.Client({ connectionString: this.adminUrl });
      await client.connect();
      await client.end();
    });
  }

  /** Stops the server as a crash would: no checkpoint, recovery at the next start. */
  kill(): void {
    asPostgres(`${PG_BIN}/pg_ctl`, ['-D', join(this.dir, 'data'), '-m', 'immediate', 'stop']);
  }

  stop(): void {
    spawnSync('runuser', ['-u', PG_USER, '--', `${PG_BIN}/pg_ctl`, '-D', join(this.dir, 'data'), '-m', 'immediate', 'stop'], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function asPostgres(command: string, args: string[]): void {
  const result = spawnSync('runuser', ['-u', PG_USER, '--', command, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
}
