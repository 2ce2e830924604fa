import { describe, expect, it } from 'vitest';
import {
  ageGap,
  emptyState,
  isGapOlderThan,
  lowestGap,
  observe,
  parseState,
  serializeState,
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
    expect(observe(s, 3, 2_000, 100)).toEqual({ duplicate: false, reports: [] });
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

  it('gives the lowest gap up when the window overflows, and counts later arrivals as duplicates', () => {
    const s = emptyState();
    feed(s, [1, 2], 0, 3);
    const obs = feed(s, [5, 6, 7, 9], 100, 3);
    expect(obs.slice(0, 3).every((o) => o.reports.length === 0)).toBe(true);
    expect(obs[3]!.reports).toEqual([
      { status: 'GIVEN_UP', firstMissing: 3, lastMissing: 4, highestSeen: 9, openedAt: 100 },
    ]);
    expect(s).toEqual({ contiguous: 7, above: [9], gapOpenedAt: 100, alertedFrom: null });
    expect(observe(s, 3, 200, 3).duplicate).toBe(true);
    expect(s.above.length).toBeLessThanOrEqual(3);
  });

  it('round-trips through the changelog format and refuses garbage', () => {
    const s: StoreSeqState = { contiguous: 41, above: [43, 50], gapOpenedAt: 123, alertedFrom: 42 };
    expect(parseState(serializeState(s))).toEqual(s);
    expect(() => parseState('{"v":2}')).toThrow(/unreadable dedup state/);
  });
});
