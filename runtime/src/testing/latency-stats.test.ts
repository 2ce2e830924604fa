import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './latency-stats.ts';

describe('latency stats', () => {
  it('uses the nearest-rank percentile', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(xs, 50), percentile(xs, 95), percentile(xs, 99), percentile(xs, 100)]).toEqual([
      50, 95, 99, 100,
    ]);
    expect(summarize([5, 1, 3])).toEqual({ count: 3, p50: 3, p95: 5, p99: 5, max: 5 });
    expect(Number.isNaN(summarize([]).p99)).toBe(true);
  });
});
