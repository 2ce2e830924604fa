import { describe, expect, it } from 'vitest';
import {
  ageGap,
  emptyState,
  isGapOlderThan,
  lowestGap,
  observe,
  type StoreSeqState,
} from './store-sequence.ts';

const feed = (s: StoreSeqState, seqs: number[], now = 0, window = 100) =>
  seqs.map((q) => observe(s, q, now, window));

describe('store sequence dedup', () => {
  it('advances the contiguous mark in order and keeps no set', () => {
    const s = emptyState();
    expect(feed(s, [1, 2, 3]).map((o) => o.duplicate)).toEqual([false, false, false]);
    expect(s).toEqual({ contiguous: 3, above: [], gapOpenedAt: null, alertedFrom: null });
  });

  it('treats a sequence at or below the mark as a duplicate', () => {
    const s = emptyState();
    feed(s, [1, 2, 3]);
    expect(observe(s, 2, 0, 100).duplicate).toBe(true);
    expect(observe(s, 3, 0, 100).duplicate).toBe(true);
    expect(s.contiguous).toBe(3);
  });

  it('keeps out-of-order sequences above a gap and dedups them exactly', () => {
    const s = emptyState();
    feed(s, [1, 2, 5, 4], 1_000);
    expect(s).toMatchObject({ contiguous: 2, above: [4, 5], gapOpenedAt: 1_000 });
    expect(lowestGap(s)).toEqual([3, 3]);
    expect(observe(s, 5, 2_000, 100).duplicate).toBe(true);
    expect(observe(s, 3, 2_000, 100)).toEqual({ duplicate: false, held: false, reports: [] });
    expect(s).toEqual({ contiguous: 5, above: [], gapOpenedAt: null, alertedFrom: null });
  });

  it('reports an aged gap once as OPEN, and CLOSED when it fills', () => {
    const s = emptyState();
    feed(s, [1, 4], 1_000);
    expect(ageGap(s, 1_500, 1_000)).toBeUndefined();
    expect(isGapOlderThan(s, 2_000, 1_000)).toBe(true);
    expect(ageGap(s, 2_000, 1_000)).toEqual({
      status: 'OPEN',
      firstMissing: 2,
      lastMissing: 3,
      highestSeen: 4,
      openedAt: 1_000,
    });
    expect(ageGap(s, 3_000, 1_000)).toBeUndefined();
    expect(observe(s, 2, 3_000, 100).reports).toEqual([]);
    expect(observe(s, 3, 3_000, 100).reports).toEqual([
      { status: 'CLOSED', firstMissing: 2, lastMissing: 3, highestSeen: 4, openedAt: 1_000 },
    ]);
    expect(s).toEqual({ contiguous: 4, above: [], gapOpenedAt: null, alertedFrom: null });
    expect(isGapOlderThan(s, 10_000, 1_000)).toBe(false);
  });

  it('does not report CLOSED for a gap that filled before it was alerted', () => {
    const s = emptyState();
    feed(s, [1, 3], 0);
    expect(observe(s, 2, 10, 100).reports).toEqual([]);
  });

  it('times a remaining higher gap from when the lower one closed', () => {
    const s = emptyState();
    feed(s, [1, 3, 6], 0);
    ageGap(s, 5_000, 1_000);
    const o = observe(s, 2, 7_000, 100);
    expect(o.reports.map((r) => r.status)).toEqual(['CLOSED']);
    expect(s).toEqual({ contiguous: 3, above: [6], gapOpenedAt: 7_000, alertedFrom: null });
    expect(ageGap(s, 7_500, 1_000)).toBeUndefined();
    expect(ageGap(s, 8_000, 1_000)).toMatchObject({ status: 'OPEN', firstMissing: 4, lastMissing: 5 });
  });

  it('holds a sequence beyond the window instead of giving the gap up; the mark never jumps', () => {
    const s = emptyState();
    feed(s, [1, 2], 0, 3);
    const obs = feed(s, [5, 6, 7, 9], 100, 3);
    expect(obs[0]).toEqual({ duplicate: false, held: false, reports: [] });
    // 6, 7 and 9 are more than 3 above the mark 2: held (state unchanged), one HELD report each.
    expect(obs.slice(1).map((o) => o.held)).toEqual([true, true, true]);
    expect(obs[3]!.reports).toEqual([
      { status: 'HELD', firstMissing: 3, lastMissing: 8, highestSeen: 9, openedAt: 100 },
    ]);
    expect(s).toEqual({ contiguous: 2, above: [5], gapOpenedAt: 100, alertedFrom: null });
    // The real 3 and 4 are not duplicates; then the held records are placed when redriven.
    expect(feed(s, [3, 4], 200, 3).map((o) => o.duplicate)).toEqual([false, false]);
    expect(s.contiguous).toBe(5);
    expect(feed(s, [6, 7, 9], 300, 3).map((o) => o.held || o.duplicate)).toEqual([false, false, false]);
    expect(s).toEqual({ contiguous: 7, above: [9], gapOpenedAt: 300, alertedFrom: null });
  });

  it('a forged store_seq of 1,000,000 does not move the mark, and the real events below still pass', () => {
    const s = emptyState();
    feed(s, [1, 2, 3], 0, 10_000);
    const forged = observe(s, 1_000_000, 10, 10_000);
    expect(forged.held).toBe(true);
    expect(forged.reports.map((r) => r.status)).toEqual(['HELD']);
    expect(s).toEqual({ contiguous: 3, above: [], gapOpenedAt: null, alertedFrom: null });
    const real = feed(s, [4, 5, 6], 20, 10_000);
    expect(real.every((o) => !o.duplicate && !o.held)).toBe(true);
    expect(s.contiguous).toBe(6);
    // Redriven later, the forged record is still held: it never becomes placeable by itself.
    expect(observe(s, 1_000_000, 30, 10_000).held).toBe(true);
  });

  it('holds when the window is full (a state kept from a larger window) instead of jumping', () => {
    const s: StoreSeqState = {
      contiguous: 10,
      above: [12, 13, 14, 20, 21],
      gapOpenedAt: 5,
      alertedFrom: null,
    };
    const o = observe(s, 15, 50, 5);
    expect(o.held).toBe(true);
    expect(s).toEqual({ contiguous: 10, above: [12, 13, 14, 20, 21], gapOpenedAt: 5, alertedFrom: null });
    expect(observe(s, 13, 50, 5).duplicate).toBe(true);
    expect(observe(s, 11, 60, 5)).toEqual({ duplicate: false, held: false, reports: [] });
    expect(s).toEqual({ contiguous: 14, above: [20, 21], gapOpenedAt: 60, alertedFrom: null });
    expect(observe(s, 15, 70, 5)).toEqual({ duplicate: false, held: false, reports: [] });
  });
});
