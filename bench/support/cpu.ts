/**
 * CPU time of processes, read from /proc (Linux; utime + stime of every thread of the process), for
 * CPU-per-operation figures on a machine shared with other work. Two ways to measure: a reading
 * before and after a run, per named group of processes (readCpu, cpuPerRequest); or a window
 * (CpuWindow) over services by pid, the NATS server
 * by pid, and the PostgreSQL backends serving one database (found in pg_stat_activity; the server
 * is shared, so only backends of the benchmark's own database count). Backends come and go, so they
 * are polled during the window; a backend born inside the window counts from zero. Not counted:
 * PostgreSQL's shared auxiliary processes (WAL writer, checkpointer), which serve every database.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** CPU milliseconds a process has used so far, or null once it is gone. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

export type CpuGroups = Record<string, number[]>;

/** A measurement window: `stop()` answers the CPU ms each group used since `start()`. */
export class CpuWindow {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly backends = new Map<number, { first: number; last: number; name: string }>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private selfStart = process.cpuUsage();

  private constructor(
    private readonly groups: CpuGroups,
    private readonly client: pg.Client,
    private readonly database: string,
  ) {}

  /** `groups`: name → pids (read at start and stop); `database`: whose backends count as "postgres". */
  static async start(groups: CpuGroups, databaseUrl: string, database: string, pollMs = 100): Promise<CpuWindow> {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-cpu-meter' });
    await client.connect();
    const window = new CpuWindow(groups, client, database);
    for (const pid of Object.values(groups).flat()) window.first.set(pid, processCpuMs(pid) ?? 0);
    await window.pollBackends(true);
    window.selfStart = process.cpuUsage();
    window.timer = setInterval(() => (window.polling = window.polling.then(() => window.pollBackends(false))), pollMs);
    return window;
  }

  /** CPU ms per group, plus the database's backends by service ("postgres (rooms)"…) and "load generator" (this process). */
  async stop(): Promise<Record<string, number>> {
    if (this.timer) clearInterval(this.timer);
    const self = process.cpuUsage(this.selfStart);
    await this.polling;
    await this.pollBackends(false);
    await this.client.end();
    const result: Record<string, number> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      result[name] = pids.reduce((sum, pid) => sum + Math.max(0, (processCpuMs(pid) ?? this.last.get(pid) ?? 0) - (this.first.get(pid) ?? 0)), 0);
    }
    // By the backend's application_name: the services name their connections (livechat-rooms…);
    // anything else (autovacuum, a reference's pool) is "postgres (other)".
    for (const b of this.backends.values()) {
      const key = `postgres (${b.name.startsWith('livechat-') ? b.name.slice('livechat-'.length) : 'other'})`;
      result[key] = (result[key] ?? 0) + (b.last - b.first);
    }
    result['load generator'] = (self.user + self.system) / 1000;
    return result;
  }

  private async pollBackends(atStart: boolean): Promise<void> {
    const { rows } = await this.client.query<{ pid: number; name: string }>(
      `SELECT pid, coalesce(application_name, '') AS name FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [this.database],
    );
    for (const { pid, name } of rows) {
      const cpu = processCpuMs(pid);
      if (cpu === null) continue;
      const known = this.backends.get(pid);
      if (known) known.last = cpu;
      else this.backends.set(pid, { first: atStart ? cpu : 0, last: cpu, name });
    }
  }
}

/** CPU seconds the processes have used so far, together (a gone process counts nothing). */
export function cpuSeconds(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0) / 1000;
}

/** A named group of processes (one service, or all PostgreSQL backends of a database), found anew at each reading. */
export interface ProcessGroup {
  name: string;
  pids: () => Promise<number[]> | number[];
}

/** CPU ms of each process of each group, by group name then pid (a gone process reads 0). */
export type CpuReading = Map<string, Map<number, number>>;

export async function readCpu(groups: ProcessGroup[]): Promise<CpuReading> {
  const reading: CpuReading = new Map();
  for (const group of groups) {
    const pids = await group.pids();
    reading.set(group.name, new Map(pids.map((pid) => [pid, processCpuMs(pid) ?? 0])));
  }
  return reading;
}

/**
 * CPU µs each group spent between two readings, per request. A process that appears only in the
 * second reading (a new PostgreSQL backend) counts from zero; one gone by the second is left out.
 */
export function cpuPerRequest(before: CpuReading, after: CpuReading, requests: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [group, pids] of after) {
    let spentMs = 0;
    for (const [pid, ms] of pids) spentMs += ms - (before.get(group)?.get(pid) ?? 0);
    out[group] = requests > 0 ? Math.round((spentMs * 1000) / requests) : 0;
  }
  return out;
}
