import { AGENT_TOKEN_BYTES, matchesAny, newAgentToken, tokenHash } from './agent-token.js';

describe('agent tokens', () => {
  it('are 256 random bits written base64url, different every time', () => {
    const tokens = Array.from({ length: 1_000 }, () => newAgentToken());
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(AGENT_TOKEN_BYTES);
    }
  });

  it('are stored as their SHA-256, never as themselves', () => {
    // The FIPS 180-2 test vector: SHA-256("abc").
    expect(tokenHash('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const token = newAgentToken();
    const hash = tokenHash(token);
    expect(hash).toHaveLength(32);
    expect(hash.includes(Buffer.from(token))).toBe(false);
  });

  it('match only the token that was hashed, among several of the agent', () => {
    const [a, b, c] = [newAgentToken(), newAgentToken(), newAgentToken()];
    const stored = [tokenHash(a), tokenHash(b)];
    expect(matchesAny(a, stored)).toBe(true);
    expect(matchesAny(b, stored)).toBe(true);
    expect(matchesAny(c, stored)).toBe(false);
    expect(matchesAny(a, [])).toBe(false);
    // Near misses: another case, a character more or less, the hash itself.
    for (const guess of [a.toUpperCase(), a.slice(1), `${a}x`, ` ${a}`, tokenHash(a).toString('base64url'), '']) {
      expect(matchesAny(guess, stored)).toBe(false);
    }
  });

  it('match nothing against a stored value of another length', () => {
    const token = newAgentToken();
    expect(matchesAny(token, [Buffer.alloc(16), tokenHash(token).subarray(0, 31)])).toBe(false);
  });
});
