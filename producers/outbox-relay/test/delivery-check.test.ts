import { describe, expect, it } from 'vitest';
import { checkDelivery } from './delivery-check.ts';

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('checkDelivery', () => {
  it('accepts exactly-once in order', () => {
    expect(checkDelivery(range(1, 10), 10)).toMatchObject({ ok: true, duplicates: 0, resends: [] });
  });

  it('accepts a contiguous re-send of the tail after a restart', () => {
    const r = checkDelivery([...range(1, 10), ...range(7, 15)], 15);
    expect(r).toMatchObject({ ok: true, duplicates: 4, resends: [{ index: 10, fromSeq: 7, repeated: 4 }] });
  });

  it('accepts two restarts, the second during the first re-send', () => {
    const r = checkDelivery([...range(1, 10), ...range(5, 8), ...range(6, 12)], 12);
    expect(r.ok).toBe(true);
    expect(r.resends.map((x) => x.fromSeq)).toEqual([5, 6]);
  });

  it('rejects a missing event', () => {
    const r = checkDelivery([1, 2, 4, 5], 5);
    expect(r.ok).toBe(false);
    expect(r.problems.join()).toMatch(/skips 3/);
  });

  it('rejects a reorder even when every event is there', () => {
    expect(checkDelivery([1, 3, 2, 4], 4).ok).toBe(false);
  });

  it('rejects a re-send that jumps forward instead of continuing', () => {
    expect(checkDelivery([...range(1, 10), 5, 6, 11, 12], 12).ok).toBe(false);
  });

  it('rejects an incomplete delivery', () => {
    expect(checkDelivery(range(1, 9), 10).problems.join()).toMatch(/expected 10/);
  });
});
