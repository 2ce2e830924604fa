import { describe, expect, it } from 'vitest';
import { chunk, flushDelayMs } from './flush-policy.ts';

const policy = { maxRows: 100, intervalMs: 1_000 };

describe('flushDelayMs', () => {
  it('flushes at once when the row bound is reached', () => {
    expect(flushDelayMs(100, 0, policy)).toBe(0);
    expect(flushDelayMs(250, 10, policy)).toBe(0);
  });
  it('a trickle waits out the interval since the previous flush', () => {
    expect(flushDelayMs(1, 200, policy)).toBe(800);
    expect(flushDelayMs(99, 999, policy)).toBe(1);
  });
  it('after a quiet period the first rows go at once', () => {
    expect(flushDelayMs(1, 5_000, policy)).toBe(0);
    expect(flushDelayMs(1, Number.POSITIVE_INFINITY, policy)).toBe(0);
  });
  it('nothing pending: nothing to schedule', () => {
    expect(flushDelayMs(0, 5_000, policy)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('chunk', () => {
  it('splits in order into parts of at most maxRows', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 2)).toEqual([]);
    expect(chunk([1, 2], 5)).toEqual([[1, 2]]);
  });
  it('refuses a bound below 1', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});
