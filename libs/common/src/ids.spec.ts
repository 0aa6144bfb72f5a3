import { ID_ALPHABET, randomId } from './ids.js';

describe('randomId', () => {
  it('makes 17 characters from the documented alphabet', () => {
    for (let i = 0; i < 1_000; i += 1) expect(randomId()).toMatch(/^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$/);
  });

  it('uses every character of the alphabet about equally often', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i += 1) for (const c of randomId()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(ID_ALPHABET.length);
    const expected = (20_000 * 17) / ID_ALPHABET.length;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.1);
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => randomId()));
    expect(ids.size).toBe(10_000);
  });
});
