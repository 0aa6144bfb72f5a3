import { Api, type ApiResponse } from '../../harness/http.js';

/** One step of a visitor as the client saw it, its retries included. */
export interface CallSample {
  /** `register`, `open`, `close`, or what a `whileOpen` step named itself. */
  step: string;
  /** When the first attempt started (ms since the epoch). */
  startedAt: number;
  /** Until the last attempt's answer, retries and their back-off included. */
  ms: number;
  attempts: number;
  /** The last attempt's HTTP status; 0 when it got no HTTP answer at all. */
  status: number;
}

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
  /** Every step, as the client saw it. */
  calls: CallSample[];
  /** Steps still failing (503, 504, no answer) after every retry. */
  gaveUp: number;
}

/** Sends one request of a step through a gateway, with the client's retries; null when it gave up. */
export type Call = <T>(step: string, send: (api: Api) => Promise<ApiResponse<T>>) => Promise<ApiResponse<T> | null>;

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
  /** What a visitor does in their open room before maybe closing it (e.g. send messages), through `call`. */
  whileOpen?: (room: { rid: string; token: string }, call: Call) => Promise<void>;
}

/**
 * A bounded load of visitors, each: register, open a room (asking twice, as widgets do), whatever
 * `whileOpen` does, maybe close it. Spread over the gateways; failures are counted, retried with
 * back-off, and never thrown.
 */
export async function runVisitorLoad(options: LoadOptions): Promise<LoadReport> {
  const report: LoadReport = {
    requests: 0,
    statuses: {},
    transportErrors: {},
    slowestMs: 0,
    opened: new Map(),
    closed: new Set(),
    calls: [],
    gaveUp: 0,
  };
  const apis = options.baseUrls.map((url) => new Api(url));
  const deadline = Date.now() + options.durationMs;
  let started = 0;
  const prefix = `load-${process.pid}-${Date.now().toString(36)}`;

  const call: Call = async (step, send) => {
    const startedAt = Date.now();
    const t0 = performance.now();
    let status = 0;
    let attempts = 0;
    try {
      for (let attempt = 0; attempt <= (options.retries ?? 20); attempt += 1) {
        const api = apis[Math.floor(Math.random() * apis.length)];
        const a0 = performance.now();
        report.requests += 1;
        attempts += 1;
        try {
          const res = await send(api);
          report.slowestMs = Math.max(report.slowestMs, performance.now() - a0);
          status = res.status;
          const error = (res.body as { error?: string })?.error;
          const key = `${res.status}${error ? ` ${error}` : ''}`;
          report.statuses[key] = (report.statuses[key] ?? 0) + 1;
          if (res.status !== 503 && res.status !== 504) return res;
        } catch (err) {
          status = 0;
          const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          report.transportErrors[code] = (report.transportErrors[code] ?? 0) + 1;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
      }
      report.gaveUp += 1;
      return null;
    } finally {
      report.calls.push({ step, startedAt, ms: performance.now() - t0, attempts, status });
    }
  };

  async function visitor(n: number): Promise<void> {
    const token = `${prefix}-${n}`;
    const registered = await call('register', (api) => api.registerVisitor({ token, name: `Visitor ${n}` }));
    if (registered?.status !== 200) return;
    let rid: string | undefined;
    for (let i = 0; i < 2; i += 1) {
      const res = await call('open', (api) => api.room({ token }));
      if (res?.status === 200) {
        rid = res.body.room._id as string;
        report.opened.set(rid, token);
      }
    }
    if (!rid) return;
    await options.whileOpen?.({ rid, token }, call);
    if (Math.random() < options.closeRatio) {
      const res = await call('close', (api) => api.closeRoom(rid, token));
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
