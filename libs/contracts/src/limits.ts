/** Input bounds (docs/api.md#conventions). */
export const LIMITS = {
  id: 256,
  token: 256,
  name: 256,
  message: 10_000,
  bodyBytes: 1024 * 1024,
} as const;
