import { describe, expect, it } from 'vitest';
import { ean13CheckDigit, isValidEan13, makeEan13 } from './ean13.ts';

describe('EAN-13', () => {
  it('computes check digits of known codes', () => {
    expect(ean13CheckDigit('400638133393')).toBe(1); // 4006381333931, the textbook example
    expect(makeEan13('590123412345')).toBe('5901234123457');
    expect(makeEan13('000000000000')).toBe('0000000000000');
  });

  it('validates and rejects', () => {
    expect(isValidEan13('4006381333931')).toBe(true);
    expect(isValidEan13('5901234123457')).toBe(true);
    expect(isValidEan13('4006381333932')).toBe(false);
    expect(isValidEan13('400638133393')).toBe(false);
    expect(isValidEan13('400638133393a')).toBe(false);
  });

  it('catches every single-digit error', () => {
    const code = '5901234123457';
    for (let i = 0; i < 13; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === code[i]) continue;
        expect(isValidEan13(code.slice(0, i) + d + code.slice(i + 1))).toBe(false);
      }
    }
  });

  it('needs exactly 12 data digits', () => {
    expect(() => ean13CheckDigit('12345')).toThrow(RangeError);
  });
});
