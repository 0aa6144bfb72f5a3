/** Errors that say a dependency is away (connection refused, lost, shutting down), not that the request is wrong. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTCONN',
  // PostgreSQL: admin/crash shutdown, cannot connect now, connection failures, too many connections.
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
]);

const TRANSIENT_MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Client has encountered a connection error/i, /connection is closed/i];

export function isTransientError(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string }; message?: string } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  if (code && TRANSIENT_CODES.has(code)) return true;
  const message = String(e?.message ?? '');
  return TRANSIENT_MESSAGES.some((pattern) => pattern.test(message));
}
