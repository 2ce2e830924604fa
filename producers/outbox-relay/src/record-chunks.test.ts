import { describe, expect, it } from 'vitest';
import { chunkBySize, recordSize } from './record-chunks.ts';

describe('chunkBySize', () => {
  const size = (n: number) => n;

  it('keeps order and fills chunks up to the limit', () => {
    expect(chunkBySize([4, 4, 4, 4, 4], size, 10)).toEqual([[4, 4], [4, 4], [4]]);
    expect(chunkBySize([5, 5, 5], size, 10)).toEqual([[5, 5], [5]]);
  });

  it('gives an oversized item a chunk of its own instead of dropping it', () => {
    expect(chunkBySize([3, 50, 3], size, 10)).toEqual([[3], [50], [3]]);
  });

  it('returns nothing for nothing', () => {
    expect(chunkBySize([], size, 10)).toEqual([]);
  });

  it('concatenating the chunks gives back the input', () => {
    const items = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 97);
    expect(chunkBySize(items, size, 300).flat()).toEqual(items);
  });
});

describe('recordSize', () => {
  it('counts the value, key and headers', () => {
    const e = {
      storeId: 's1',
      storeSeq: 1,
      eventId: 'x'.repeat(36),
      eventType: 'SaleRecorded',
      traceId: 't'.repeat(32),
      value: Buffer.alloc(500),
      payload: {},
    };
    expect(recordSize(e)).toBeGreaterThan(500 + 36 + 32 + 12 + 2);
    expect(recordSize(e)).toBeLessThan(800);
  });
});
