/**
 * CPU time of processes, read from /proc (Linux): user + system, in microseconds. Benchmarks read it
 * before and after a run for each process a target uses, and divide by the requests answered.
 */
import { readFileSync } from 'node:fs';

const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

/** user + system CPU of `pid` in µs, or 0 if it is gone. */
export function processCpuMicros(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

/** A named group of processes (one service, or all PostgreSQL backends of a database), found anew at each reading. */
export interface ProcessGroup {
  name: string;
  pids: () => Promise<number[]> | number[];
}

export type CpuReading = Map<string, Map<number, number>>;

export async function readCpu(groups: ProcessGroup[]): Promise<CpuReading> {
  const reading: CpuReading = new Map();
  for (const group of groups) {
    const pids = await group.pids();
    reading.set(group.name, new Map(pids.map((pid) => [pid, processCpuMicros(pid)])));
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
    let spent = 0;
    for (const [pid, micros] of pids) spent += micros - (before.get(group)?.get(pid) ?? 0);
    out[group] = requests > 0 ? Math.round(spent / requests) : 0;
  }
  return out;
}
