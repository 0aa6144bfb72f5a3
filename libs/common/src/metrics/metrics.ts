import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds, 1 ms to 10 s: request and RPC handling times. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface MetricConfig<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/** A gauge whose value is read when Prometheus scrapes (a cheap query), not kept up to date. */
interface CollectedGaugeConfig<L extends string> extends MetricConfig<L> {
  collect: (gauge: Gauge<L>) => Promise<void> | void;
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

/**
 * The service's Prometheus metrics: one registry per process, with Node's default metrics (CPU,
 * memory, event loop lag, GC). Metrics are got-or-created by name, so a part of the service that
 * measures something declares it where it measures it.
 *
 * Disabled (METRICS_ENABLED=false), the metrics still exist, so the code that counts needs no
 * condition, but they are in no registry, `/metrics` is not served, and the per-request
 * instrumentation (HTTP and RPC durations) is not installed: `enabled` says so.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, AnyMetric>();

  constructor(readonly enabled = true) {
    if (enabled) collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string = string>(config: MetricConfig<L>): Counter<L> {
    return this.getOrCreate(config.name, () => new Counter<L>({ ...this.base(config) }));
  }

  histogram<L extends string = string>(config: MetricConfig<L> & { buckets: number[] }): Histogram<L> {
    return this.getOrCreate(config.name, () => new Histogram<L>({ ...this.base(config), buckets: config.buckets }));
  }

  /**
   * A gauge collected on scrape. A failing `collect` (the database is away) empties the gauge for
   * that scrape instead of failing the whole scrape or showing a stale value.
   */
  collectedGauge<L extends string = string>(config: CollectedGaugeConfig<L>): Gauge<L> {
    return this.getOrCreate(config.name, () => {
      const collect = config.collect;
      return new Gauge<L>({
        ...this.base(config),
        async collect() {
          try {
            await collect(this);
          } catch {
            this.reset();
          }
        },
      });
    });
  }

  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  private base<L extends string>(config: MetricConfig<L>) {
    return {
      name: config.name,
      help: config.help,
      labelNames: config.labelNames ?? [],
      registers: this.enabled ? [this.registry] : [],
    };
  }

  private getOrCreate<T extends AnyMetric>(name: string, create: () => T): T {
    let metric = this.metrics.get(name) as T | undefined;
    if (!metric) {
      metric = create();
      this.metrics.set(name, metric);
    }
    return metric;
  }
}

/**
 * A histogram's label children, made once per combination of label values: an observation is then
 * one `observe` (prom-client's own work), without resolving the label names again. For histograms
 * with two or three labels, given in `labelNames` order.
 */
export class HistogramChildren<L extends string> {
  private readonly root = new Map<string, Map<string, unknown>>();

  constructor(
    private readonly histogram: Histogram<L>,
    private readonly labelNames: readonly L[],
  ) {}

  observe(value: number, a: string, b: string, c?: string): void {
    let level = this.root.get(a);
    if (!level) {
      level = new Map();
      this.root.set(a, level);
    }
    let child: Histogram.Internal<L> | undefined;
    if (c === undefined) {
      child = level.get(b) as Histogram.Internal<L> | undefined;
      if (!child) {
        child = this.make(a, b);
        level.set(b, child);
      }
    } else {
      let last = level.get(b) as Map<string, Histogram.Internal<L>> | undefined;
      if (!last) {
        last = new Map();
        level.set(b, last);
      }
      child = last.get(c);
      if (!child) {
        child = this.make(a, b, c);
        last.set(c, child);
      }
    }
    child.observe(value);
  }

  private make(...values: string[]): Histogram.Internal<L> {
    const labels = Object.fromEntries(this.labelNames.map((name, i) => [name, values[i]])) as Record<L, string>;
    return this.histogram.labels(labels);
  }
}

/** Rejects after `ms`: for collectors and checks that must not hang on a dependency that is away. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
