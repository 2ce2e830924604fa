import { describe, expect, it } from 'vitest';
import { dayToYmd, instantToYmd, splitByWeights, toWholeUnits } from './national-formats.ts';

describe('national formats', () => {
  it('dates as yyyyMMdd, the instant in the store time zone', () => {
    expect(dayToYmd(0)).toBe('19700101');
    expect(dayToYmd(20_513)).toBe('20260301');
    expect(instantToYmd(Date.parse('2026-03-01T17:30:00Z'), 'Asia/Ho_Chi_Minh')).toBe('20260302');
    expect(instantToYmd(Date.parse('2026-03-01T16:59:00Z'), 'Asia/Ho_Chi_Minh')).toBe('20260301');
    expect(instantToYmd(Date.parse('2026-03-01T23:59:00Z'), null)).toBe('20260301');
    expect(instantToYmd(Date.parse('2026-03-01T23:59:00Z'), 'Not/AZone')).toBe('20260301');
  });
  it('whole currency units', () => {
    expect(toWholeUnits(12_345, 'VND')).toBe(12_345);
    expect(toWholeUnits(12_345, 'USD')).toBe(123);
  });
  it('splits an amount by weights exactly', () => {
    expect(splitByWeights(3001, [2, 1])).toEqual([2001, 1000]);
    expect(splitByWeights(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitByWeights(7, [5])).toEqual([7]);
    for (const [amount, weights] of [
      [99_999, [3, 7, 11]],
      [1, [1, 1, 1, 1]],
    ] as const) {
      expect(splitByWeights(amount, [...weights]).reduce((a, b) => a + b, 0)).toBe(amount);
    }
  });
});
