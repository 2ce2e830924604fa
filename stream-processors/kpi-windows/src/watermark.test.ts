import { describe, expect, it } from 'vitest';
import { emitDue, isClosed, isEvictable, lateDecision, watermarkOf } from './watermark.ts';

describe('watermark and lateness', () => {
  const lateness = 10 * 60_000;
  it('is the highest event time minus the allowed lateness; no event: -Infinity', () => {
    expect(watermarkOf(1_000_000, lateness)).toBe(400_000);
    expect(watermarkOf(Number.NEGATIVE_INFINITY, lateness)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('closes a window once the watermark reaches its end, not before', () => {
    const end = 60_000;
    expect(isClosed(end, watermarkOf(end + lateness - 1, lateness))).toBe(false);
    expect(isClosed(end, watermarkOf(end + lateness, lateness))).toBe(true);
  });

  it('evicts only past the grace period', () => {
    expect(isEvictable(60_000, 60_000 + 999, 1_000)).toBe(false);
    expect(isEvictable(60_000, 61_000, 1_000)).toBe(true);
  });

  it('decides on-time, correction and evicted', () => {
    // Open window (known, not final), watermark before its end.
    expect(lateDecision(120_000, 100_000, -Infinity, false)).toBe('on-time');
    // Unknown window that is still open.
    expect(lateDecision(120_000, 100_000, -Infinity, undefined)).toBe('on-time');
    // Final window still in state: correction.
    expect(lateDecision(120_000, 200_000, -Infinity, true)).toBe('correction');
    // Never seen, but the watermark already passed its end: it closed empty, so a correction too.
    expect(lateDecision(120_000, 200_000, 60_000, undefined)).toBe('correction');
    // Not in state and at or before the eviction mark: evicted.
    expect(lateDecision(60_000, 200_000, 60_000, undefined)).toBe('evicted');
  });

  it('throttles non-final emits to one per interval', () => {
    expect(emitDue(true, 1_000, 1_500, 1_000)).toBe(false);
    expect(emitDue(true, 1_000, 2_000, 1_000)).toBe(true);
    expect(emitDue(false, 0, 10_000, 1_000)).toBe(false);
  });
});
