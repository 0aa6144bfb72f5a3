import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Agent tokens (docs/api.md#agents-sign-in): 256 bits from the CSPRNG (`crypto.randomBytes`), written base64url (43
 * characters), as the reference's login tokens are 256-bit random secrets. Only the token's SHA-256
 * is stored: for a token with 256 bits of entropy a fast hash is as good as a slow one (nobody can
 * guess a preimage), and it lets each request be checked in microseconds. A check hashes the
 * presented token and compares it with every stored hash of the agent with `timingSafeEqual`, none
 * skipped, so how long it takes says nothing about how close a guess was.
 */
export const AGENT_TOKEN_BYTES = 32;

/** An agent holds at most this many tokens; creating one more revokes the oldest. */
export const MAX_TOKENS_PER_AGENT = 25;

export function newAgentToken(): string {
  return randomBytes(AGENT_TOKEN_BYTES).toString('base64url');
}

/** What is stored of a token: its SHA-256 (32 bytes). */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Whether `token` hashes to one of `hashes`, each compared in constant time. */
export function matchesAny(token: string, hashes: readonly Buffer[]): boolean {
  const presented = tokenHash(token);
  let matched = false;
  for (const hash of hashes) {
    // Every hash is compared (no early exit); a hash of another length (never stored) matches nothing.
    const equal = hash.length === presented.length && timingSafeEqual(hash, presented);
    matched = equal || matched;
  }
  return matched;
}
