import { describe, expect, it } from 'vitest';
import {
  currencyDigits,
  formatAge,
  formatCount,
  formatMoney,
  formatPercent,
  formatRatePerMin,
  minorToDecimalString,
} from './format.ts';

describe('money formatting', () => {
  it('knows each currency’s minor unit', () => {
    expect(currencyDigits('VND')).toBe(0);
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('KWD')).toBe(3);
  });

  it('turns minor units into exact decimal strings', () => {
    expect(minorToDecimalString(1999, 2)).toBe('19.99');
    expect(minorToDecimalString(5, 2)).toBe('0.05');
    expect(minorToDecimalString(-120, 2)).toBe('-1.20');
    expect(minorToDecimalString(9_007_199_254_740_991, 2)).toBe('90071992547409.91');
    expect(minorToDecimalString(125_000, 0)).toBe('125000');
  });

  it('formats VND without decimals and USD with two', () => {
    expect(formatMoney(125_000, 'VND')).toBe('₫125,000');
    expect(formatMoney(1999, 'USD')).toBe('$19.99');
    expect(formatMoney(0, 'USD')).toBe('$0.00');
    expect(formatMoney(123_456_789_012, 'VND')).toBe('₫123,456,789,012');
  });

  it('shows a dash for missing values instead of a misleading zero', () => {
    expect(formatMoney(null, 'VND')).toBe('—');
    expect(formatMoney(100, null)).toBe('—');
    expect(formatPercent(null)).toBe('—');
    expect(formatCount(undefined)).toBe('—');
    expect(formatRatePerMin(null)).toBe('—');
  });

  it('formats rates, percentages and ages', () => {
    expect(formatPercent(0.9876)).toBe('98.8%');
    expect(formatRatePerMin(2.5)).toBe('2.5/min');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatAge(5)).toBe('5 s ago');
    expect(formatAge(125)).toBe('2 min ago');
    expect(formatAge(7300)).toBe('2 h ago');
    expect(formatAge(null)).toBe('never');
  });
});
