import { Api } from './http.js';

export interface LoadReport {
  requests: number;
  statuses: Record<string, number>;
  /** Transport failures by code (ECONNREFUSED, ECONNRESET, …). */
  transportErrors: Record<string, number>;
  /** The slowest answered request, in ms: nothing hangs. */
  slowestMs: number;
  /** Rooms the API answered (rid → visitor token). */
  opened: Map<string, string>;
  /** Rooms the API said it closed. */
  closed: Set<string>;
}

export interface LoadOptions {
  baseUrls: string[];
  /** Visitors working at once. */
  concurrency: number;
  /** Stop starting new visitors after this long. */
  durationMs: number;
  /** At most this many visitors in all. */
  maxVisitors: number;
  /** Share of visitors that close their room again (0..1). */
  closeRatio: number;
  /** Answer 503/504/transport errors by trying again (as a widget would), at most this often per step. */
  retries?: number;
}

/**
 * A bounded load of visitors, each: register, open a room (asking twice, as widgets do), maybe close
 * it. Spread over the gateways; failures are counted, retried with back-off, and never thrown.
 */
export async function runVisitorLoad(options: LoadOptions): Promise<LoadReport> {
  const report: LoadReport = { requests: 0, statuses: {}, transportErrors: {}, slowestMs: 0, opened: new Map(), closed: new Set() };
  const apis = options.baseUrls.map((url) => new Api(url));
  const deadline = Date.now() + options.durationMs;
  let started = 0;
  const prefix = `load-${process.pid}-${Date.now().toString(36)}`;

  async function call<T>(step: (api: Api) => Promise<{ status: number; body: T }>): Promise<{ status: number; body: T } | null> {
    for (let attempt = 0; attempt <= (options.retries ?? 20); attempt += 1) {
      const api = apis[Math.floor(Math.random() * apis.length)];
      const t0 = performance.now();
      report.requests += 1;
      try {
        const res = await step(api);
        report.slowestMs = Math.max(report.slowestMs, performance.now() - t0);
        const key = `${res.status}${(res.body as { error?: string })?.error ? ` ${(res.body as { error?: string }).error}` : ''}`;
        report.statuses[key] = (report.statuses[key] ?? 0) + 1;
        if (res.status !== 503 && res.status !== 504) return res;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        report.transportErrors[code] = (report.transportErrors[code] ?? 0) + 1;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
    }
    return null;
  }

  async function visitor(n: number): Promise<void> {
    const token = `${prefix}-${n}`;
    const registered = await call((api) => api.registerVisitor({ token, name: `Visitor ${n}` }));
    if (registered?.status !== 200) return;
    for (let i = 0; i < 2; i += 1) {
      const res = await call((api) => api.room({ token }));
      if (res?.status === 200) report.opened.set(res.body.room._id, token);
    }
    const rid = [...report.opened].find(([, t]) => t === token)?.[0];
    if (rid && Math.random() < options.closeRatio) {
      const res = await call((api) => api.closeRoom(rid, token));
      if (res?.status === 200) report.closed.add(rid);
    }
  }

  async function worker(): Promise<void> {
    while (Date.now() < deadline && started < options.maxVisitors) {
      started += 1;
      await visitor(started);
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  return report;
}
