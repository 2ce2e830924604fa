import { describe, expect, it } from 'vitest';
import { oldestPerStore, type Sample } from '../bench/sink-probes.ts';

const sample = (store: string, n: number): Sample => ({
  id: `${store}-${n}`,
  store,
  storeSeq: n,
  scheduledAt: 0,
  committedAt: 0,
  ordinal: n,
  seen: {},
});

describe('oldestPerStore: which pending samples a Cassandra poll reads', () => {
  it('the first n of each store, in the order given, whatever the interleaving', () => {
    const pending = [
      sample('a', 1),
      sample('b', 1),
      sample('a', 2),
      sample('a', 3),
      sample('b', 2),
      sample('c', 1),
    ];
    expect(oldestPerStore(pending, 2).map((s) => s.id)).toEqual(['a-1', 'b-1', 'a-2', 'b-2', 'c-1']);
    expect(oldestPerStore(pending, 10)).toEqual(pending);
    expect(oldestPerStore([], 2)).toEqual([]);
  });
});
