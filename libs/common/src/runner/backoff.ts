/** An exponential back-off: `firstMs` after the first failure, twice as long after each next one, at most `maxMs`. */
export interface Backoff {
  firstMs: number;
  maxMs: number;
}

/** The pause after `failures` failures in a row (1 for the first), by the back-off's doubling rule. */
export function backoffDelay({ firstMs, maxMs }: Backoff, failures: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(Math.max(failures, 1) - 1, MAX_DOUBLINGS));
}

/** Doublings stop here (32 × `firstMs`), so that a short first pause does not grow into minutes. */
const MAX_DOUBLINGS = 5;
