import { describe, expect, it } from 'vitest';
import { parseWriteHistogram, writeStats } from '../bench/sink-writes.ts';

const text = (count: number, sum: number, cumulative: number[]) =>
  [
    '# HELP retail_sink_write_seconds Time of one write, all tables',
    '# TYPE retail_sink_write_seconds histogram',
    ...[0.01, 0.1, 1].map(
      (le, i) => `retail_sink_write_seconds_bucket{le="${le}",sink="clickhouse"} ${cumulative[i]}`,
    ),
    `retail_sink_write_seconds_bucket{le="+Inf",sink="clickhouse"} ${count}`,
    `retail_sink_write_seconds_sum{sink="clickhouse"} ${sum}`,
    `retail_sink_write_seconds_count{sink="clickhouse"} ${count}`,
    'retail_sink_rows_written_total{sink="clickhouse",table="sales"} 5',
  ].join('\n');

describe('sink write times from /metrics', () => {
  it('parses count, sum and cumulative buckets; absent metric → undefined', () => {
    const h = parseWriteHistogram(text(10, 2.5, [1, 6, 9]))!;
    expect(h.count).toBe(10);
    expect(h.sum).toBe(2.5);
    expect([...h.buckets]).toEqual([
      [0.01, 1],
      [0.1, 6],
      [1, 9],
      [Number.POSITIVE_INFINITY, 10],
    ]);
    expect(parseWriteHistogram('retail_other_total 3')).toBeUndefined();
  });

  it('between two snapshots: writes, mean and the bucket holding the 99th percentile', () => {
    const before = parseWriteHistogram(text(10, 2.5, [1, 6, 9]));
    // 100 more writes, 5 s more: 90 under 100 ms, 9 more under 1 s, 1 slower.
    const after = parseWriteHistogram(text(110, 7.5, [1, 96, 109]))!;
    expect(writeStats(before, after)).toEqual({ writes: 100, meanMs: 50, p99UpToMs: 1000 });
    // All 100 under 100 ms → p99 ≤ 100 ms; no writes at all → undefined.
    const fast = parseWriteHistogram(text(110, 3.5, [1, 106, 109]))!;
    expect(writeStats(before, fast)).toEqual({ writes: 100, meanMs: 10, p99UpToMs: 100 });
    expect(writeStats(after, after)).toBeUndefined();
  });
});
