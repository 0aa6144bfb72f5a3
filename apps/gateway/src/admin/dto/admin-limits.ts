/**
 * Bounds of the operator inputs beyond the string lengths in LIMITS: counts and limits are integers
 * in [0, maxInt], lists hold at most maxItems entries.
 */
export const ADMIN_LIMITS = {
  maxInt: 1_000_000,
  maxItems: 1_000,
} as const;
