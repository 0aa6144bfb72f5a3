/**
 * Closed-loop HTTP load with wrk (a C load generator: it takes far less CPU from the servers than a
 * Node one would). Debian package `wrk`. Paths come from a Lua script written for the run, requests
 * pick one at random; wrk reports through its `done` hook as one JSON line.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClosedLoopResult } from './http-load.js';

const WRK = process.env.WRK_BIN ?? 'wrk';

/** Throws with how to install wrk when it is not on the PATH. */
export function assertWrkInstalled(): void {
  try {
    execFileSync(WRK, ['--version'], { stdio: 'ignore' });
  } catch (err) {
    // wrk --version exits 1 after printing its version; only a missing binary is an error.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu), or set WRK_BIN to its path');
    }
  }
}

const DONE_HOOK = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"durationUs":%d,"non2xx":%d,"errors":%d,"p50":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;

export interface WrkOptions {
  connections: number;
  seconds: number;
  threads?: number;
}

/** `paths`: requests choose among them at random. Latencies in ms. */
export async function wrkClosedLoop(baseUrl: string, paths: string[], o: WrkOptions): Promise<ClosedLoopResult & { requests: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'livechat-wrk-'));
  try {
    const script = join(dir, 'paths.lua');
    const list = paths.map((p) => `  ${JSON.stringify(p)},`).join('\n');
    writeFileSync(
      script,
      `local paths = {\n${list}\n}\nlocal n = #paths\nmath.randomseed(os.time())\n` +
        `request = function()\n  return wrk.format("GET", paths[math.random(n)])\nend\n${DONE_HOOK}`,
    );
    const args = ['-t', String(o.threads ?? 1), '-c', String(o.connections), '-d', `${o.seconds}s`, '--timeout', '10s', '-s', script, baseUrl];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(WRK, args, { maxBuffer: 1 << 20 }, (err, out, errOut) => (err ? reject(new Error(`wrk failed: ${err.message}\n${errOut}`)) : resolve(out))),
    );
    const line = stdout.split('\n').find((l) => l.startsWith('WRK_RESULT '));
    if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
    const r = JSON.parse(line.slice('WRK_RESULT '.length)) as { requests: number; durationUs: number; non2xx: number; errors: number; p50: number; p99: number; max: number };
    const ok = r.requests - r.non2xx;
    return {
      requests: r.requests,
      requestsPerSecond: Math.round(ok / (r.durationUs / 1e6)),
      p50: r.p50 / 1000,
      p99: r.p99 / 1000,
      max: r.max / 1000,
      failures: r.non2xx + r.errors,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
