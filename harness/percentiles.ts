/** Nearest-rank percentiles of a sample (milliseconds in, milliseconds out, rounded to 0.1). */
export interface Summary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length === 0 ? null : round(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]));
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
