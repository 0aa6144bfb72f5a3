import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The operator token (docs/api.md#conventions, LIVECHAT_ADMIN_TOKEN). Both sides are hashed with SHA-256 before
 * `timingSafeEqual`, so the comparison takes the same time whatever the sent token is, its length included.
 */
export class OperatorToken {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = sha256(token);
  }

  matches(sent: string): boolean {
    return timingSafeEqual(sha256(sent), this.expected);
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
