/** CPU time of processes, read from /proc (Linux): user + system, in seconds. */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // CLK_TCK on Linux

export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces, inside parentheses): utime is the 14th, stime the 15th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process is gone: it counts nothing more.
    }
  }
  return ticks / TICKS_PER_SECOND;
}
