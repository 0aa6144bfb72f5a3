import type { Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { backoffDelay } from './backoff.js';
import { Runner } from './runner.js';

const quiet = { warn: vi.fn(), log: vi.fn() } as unknown as Logger;

describe('backoffDelay', () => {
  it('doubles from the first pause up to the longest', () => {
    const policy = { firstMs: 100, maxMs: 1_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('stops doubling after five times the first pause', () => {
    expect(backoffDelay({ firstMs: 10, maxMs: 5_000 }, 20)).toBe(320);
  });
});

describe('Runner', () => {
  it('folds requests made during a pass into one more pass', async () => {
    let passes = 0;
    let release!: () => void;
    const runner = new Runner({ name: 'test', logger: quiet, backoff: { firstMs: 1, maxMs: 1 } }, async () => {
      passes += 1;
      if (passes === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    runner.request();
    await vi.waitFor(() => expect(passes).toBe(1));
    runner.request();
    runner.request();
    release();
    await vi.waitFor(() => expect(passes).toBe(2));
    await runner.stop();
    expect(passes).toBe(2);
  });

  it('runs a pass for a request made while the loop winds down, at any microtask after the last pass', async () => {
    for (let hops = 0; hops < 12; hops += 1) {
      let passes = 0;
      const runner: Runner = new Runner({ name: 'test', logger: quiet, backoff: { firstMs: 1, maxMs: 1 } }, async () => {
        passes += 1;
        if (passes > 1) return;
        // Asked again `hops` microtasks after this pass ends: somewhere in the loop's exit.
        let later = Promise.resolve();
        for (let i = 0; i < hops; i += 1) later = later.then(() => undefined);
        void later.then(() => runner.request());
      });
      runner.request();
      await vi.waitFor(() => expect({ hops, passes }).toEqual({ hops, passes: 2 }), { timeout: 200 });
      await runner.stop();
    }
  });

  it('tries a failed pass again after its back-off, and a success resets it', async () => {
    const outcomes = [new Error('down'), new Error('down'), undefined];
    const runner = new Runner({ name: 'test', logger: quiet, backoff: { firstMs: 1, maxMs: 2 } }, async () => {
      const outcome = outcomes.shift();
      if (outcome) throw outcome;
    });
    runner.request();
    await vi.waitFor(() => expect(outcomes).toHaveLength(0));
    await vi.waitFor(() => expect(runner.failures).toBe(0));
    await runner.stop();
  });

  it('runs again when a pass asks for it, and no more after stop', async () => {
    let passes = 0;
    const runner = new Runner({ name: 'test', logger: quiet, backoff: { firstMs: 1, maxMs: 1 } }, async () => {
      passes += 1;
      return passes < 3 ? 'again' : { afterMs: 60_000 };
    });
    runner.request();
    await vi.waitFor(() => expect(passes).toBe(3));
    const started = Date.now();
    await runner.stop(); // cuts the minute's pause short
    expect(Date.now() - started).toBeLessThan(1_000);
    runner.request();
    expect(passes).toBe(3);
  });
});
