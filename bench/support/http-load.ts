/** HTTP load for the benchmarks: closed loop through autocannon, open loop with node's client. */
import autocannon from 'autocannon';
import { Agent, request } from 'node:http';

export interface ClosedLoopResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Replies other than 2xx, transport errors and timeouts: a run with any is not a valid figure. */
  failures: number;
}

/** `connections` keep-alive connections, each sending its next request when the last is answered. */
export async function closedLoop(baseUrl: string, path: () => string, o: { connections: number; seconds: number }): Promise<ClosedLoopResult> {
  const result = await autocannon({
    url: baseUrl,
    connections: o.connections,
    duration: o.seconds,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) }],
  });
  return {
    requestsPerSecond: Math.round(result['2xx'] / o.seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

/** One request on a shared keep-alive pool (open-loop load sends these on a timeline). */
export function send(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { 'content-type': 'application/json' };
    const req = request(`${baseUrl}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Calls `fire(i)` for i = 0…count-1 on a fixed timeline of `rate` per second, whatever the replies. */
export async function openLoop(count: number, rate: number, fire: (i: number) => void): Promise<number> {
  const start = performance.now() + 50;
  for (let i = 0; i < count; i += 1) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    fire(i);
  }
  return count > 1 ? Math.round((count - 1) / ((performance.now() - start) / 1000)) : count;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function parseJson(text: string): Record<string, any> {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
