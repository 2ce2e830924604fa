import { describe, expect, it } from 'vitest';
import { writeTimestamp } from './write-timestamp.ts';

describe('writeTimestamp', () => {
  it('is the store_seq itself: the same event always writes the same timestamp', () => {
    expect(writeTimestamp(1)).toBe(1n);
    expect(writeTimestamp(42)).toBe(writeTimestamp(42));
  });

  it('orders like store_seq, so a later store event wins every cell it shares with an earlier one', () => {
    const seqs = [1, 2, 3, 10, 11, 1_000_000, Number.MAX_SAFE_INTEGER];
    for (let i = 1; i < seqs.length; i++) {
      expect(writeTimestamp(seqs[i]!) > writeTimestamp(seqs[i - 1]!)).toBe(true);
    }
  });

  it('refuses what is not a store_seq', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => writeTimestamp(bad)).toThrow(RangeError);
    }
  });
});
