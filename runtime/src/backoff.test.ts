import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.ts';

describe('backoffDelayMs', () => {
  const opts = { initialMs: 100, maxMs: 1_000, jitter: 0.5 };
  it('doubles per attempt and caps at maxMs (no randomness at random=1)', () => {
    expect([1, 2, 3, 4, 5, 10].map((a) => backoffDelayMs(a, opts, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });
  it('jitter takes away at most the jitter fraction', () => {
    expect(backoffDelayMs(3, opts, () => 0)).toBe(200);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelayMs(3, opts);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
});
