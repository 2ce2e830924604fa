import { describe, expect, it } from 'vitest';
import type { RowWrite } from './statements.ts';
import { groupByPartition } from './write-grouping.ts';

const w = (partition: string, n: number): RowWrite => ({ statement: 'inventory', partition, params: [n] });

describe('groupByPartition', () => {
  it('puts only writes of one partition in a batch, in their order, at most max per batch', () => {
    const writes = [w('a', 1), w('b', 2), w('a', 3), w('a', 4), w('c', 5), w('a', 6), w('b', 7)];
    const groups = groupByPartition(writes, 3);
    expect(groups.map((g) => g.map((x) => `${x.partition}${x.params[0]}`))).toEqual([
      ['a1', 'a3', 'a4'],
      ['a6'],
      ['b2', 'b7'],
      ['c5'],
    ]);
  });

  it('keeps every write exactly once', () => {
    const writes = Array.from({ length: 1_000 }, (_, i) => w(`p${i % 37}`, i));
    const groups = groupByPartition(writes, 16);
    expect(
      groups
        .flat()
        .map((x) => x.params[0])
        .sort((a, b) => Number(a) - Number(b)),
    ).toEqual(writes.map((x) => x.params[0]));
    expect(Math.max(...groups.map((g) => g.length))).toBeLessThanOrEqual(16);
    for (const g of groups) expect(new Set(g.map((x) => x.partition)).size).toBe(1);
  });

  it('refuses a non-positive batch size', () => {
    expect(() => groupByPartition([w('a', 1)], 0)).toThrow(RangeError);
  });
});
