import { describe, expect, it } from 'vitest';
import { compareStock, expectedStock, stockKey } from './inventory-compare.ts';

const local = [
  { store_id: 's1', sku: 'A', on_hand: 10 },
  { store_id: 's1', sku: 'B', on_hand: -2 },
  { store_id: 's1', sku: 'C', on_hand: 7 },
  { store_id: 's2', sku: 'A', on_hand: 3 },
];

describe('inventory comparison', () => {
  it('expects only SKUs that moved through events, with the store edge on-hand', () => {
    const want = expectedStock(
      local,
      new Set([stockKey('s1', 'A'), stockKey('s1', 'B'), stockKey('s2', 'A')]),
    );
    expect([...want]).toEqual([
      ['s1|A', 10],
      ['s1|B', -2],
      ['s2|A', 3],
    ]);
  });

  it('keeps a moved SKU the store has no row for, so it cannot match silently', () => {
    const want = expectedStock(local, new Set([stockKey('s3', 'Z')]));
    expect(Number.isNaN(want.get('s3|Z'))).toBe(true);
    expect(compareStock('x', want, [{ store_id: 's3', sku: 'Z', on_hand: 0 }]).wrong).toBe(1);
  });

  it('counts missing, duplicated, wrong and unexpected rows', () => {
    const want = expectedStock(local, new Set(['s1|A', 's1|B', 's2|A']));
    const row = compareStock('pg', want, [
      { store_id: 's1', sku: 'A', on_hand: 10 },
      { store_id: 's1', sku: 'A', on_hand: 10 },
      { store_id: 's1', sku: 'B', on_hand: 5 },
      { store_id: 's1', sku: 'C', on_hand: 7 },
    ]);
    expect(row).toMatchObject({ expected: 3, found: 4, missing: 1, duplicated: 1, wrong: 2 });
  });

  it('is clean when every moved SKU matches once', () => {
    const want = expectedStock(local, new Set(['s1|A', 's2|A']));
    const row = compareStock('c', want, [
      { store_id: 's2', sku: 'A', on_hand: 3 },
      { store_id: 's1', sku: 'A', on_hand: 10 },
    ]);
    expect(row).toMatchObject({ missing: 0, duplicated: 0, wrong: 0 });
  });
});
