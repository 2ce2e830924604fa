import { describe, expect, it } from 'vitest';
import { priceLine, refundShare, roundHalfUpDiv, sumTotals } from './checkout-math.ts';

const line = (unit: number, quantity: number, discount: number, bp: number) =>
  priceLine({ unit_price_minor: BigInt(unit), quantity, discount_minor: BigInt(discount), tax_rate_bp: bp });

describe('roundHalfUpDiv', () => {
  it('rounds halves up and everything else to nearest', () => {
    expect(roundHalfUpDiv(5n, 10n)).toBe(1n);
    expect(roundHalfUpDiv(4n, 10n)).toBe(0n);
    expect(roundHalfUpDiv(15n, 10n)).toBe(2n);
    expect(roundHalfUpDiv(14_999n, 10_000n)).toBe(1n);
    expect(roundHalfUpDiv(15_000n, 10_000n)).toBe(2n);
    expect(roundHalfUpDiv(0n, 7n)).toBe(0n);
  });
  it('refuses negative numerators and non-positive denominators', () => {
    expect(() => roundHalfUpDiv(-1n, 10n)).toThrow(RangeError);
    expect(() => roundHalfUpDiv(1n, 0n)).toThrow(RangeError);
  });
});

describe('priceLine (tax-exclusive, per-line round half up)', () => {
  it('adds tax on top of the net amount', () => {
    expect(line(10_000, 3, 0, 1000)).toEqual({
      gross_minor: 30_000n,
      discount_minor: 0n,
      net_minor: 30_000n,
      tax_minor: 3_000n,
      line_total_minor: 33_000n,
    });
  });

  it('taxes the amount after the line discount', () => {
    expect(line(10_000, 3, 5_000, 1000)).toMatchObject({
      net_minor: 25_000n,
      tax_minor: 2_500n,
      line_total_minor: 27_500n,
    });
  });

  it('rounds the tax half up at exactly .5 and to nearest otherwise', () => {
    // 3 333 × 5% = 166.65 → 167; 3 330 × 5% = 166.5 → 167; 3 329 × 5% = 166.45 → 166
    expect(line(3_333, 1, 0, 500).tax_minor).toBe(167n);
    expect(line(3_330, 1, 0, 500).tax_minor).toBe(167n);
    expect(line(3_329, 1, 0, 500).tax_minor).toBe(166n);
    // 8%: 12 345 × 0.08 = 987.6 → 988
    expect(line(12_345, 1, 0, 800).tax_minor).toBe(988n);
  });

  it('handles zero rate, zero price and a full discount', () => {
    expect(line(1_000_000, 2, 0, 0)).toMatchObject({ tax_minor: 0n, line_total_minor: 2_000_000n });
    expect(line(0, 5, 0, 1000)).toMatchObject({ tax_minor: 0n, line_total_minor: 0n });
    expect(line(5_000, 2, 10_000, 1000)).toMatchObject({
      net_minor: 0n,
      tax_minor: 0n,
      line_total_minor: 0n,
    });
  });

  it('stays exact far beyond 2^53 intermediate products', () => {
    const p = priceLine({
      unit_price_minor: 999_999_999_999n,
      quantity: 9_999,
      discount_minor: 0n,
      tax_rate_bp: 1000,
    });
    expect(p.gross_minor).toBe(9_998_999_999_990_001n);
    expect(p.tax_minor).toBe(999_899_999_999_000n); // 9 998 999 999 990 001 × 0.1 = …999 000.1 → …999 000
  });

  it('rejects impossible lines', () => {
    expect(() => line(1_000, 0, 0, 1000)).toThrow(RangeError);
    expect(() => line(1_000, 1.5, 0, 1000)).toThrow(RangeError);
    expect(() => line(1_000, 1, 1_001, 1000)).toThrow(RangeError);
    expect(() => line(1_000, 1, -1, 1000)).toThrow(RangeError);
    expect(() => line(1_000, 1, 0, 10_001)).toThrow(RangeError);
    expect(() => line(-1, 1, 0, 1000)).toThrow(RangeError);
  });
});

describe('sumTotals', () => {
  it('adds per-line figures; total = subtotal − discount + tax = Σ line totals', () => {
    const lines = [
      { ...line(10_000, 3, 5_000, 1000), quantity: 3 },
      { ...line(3_333, 1, 0, 500), quantity: 1 },
      { ...line(1_000_000, 2, 0, 0), quantity: 2 },
    ];
    const t = sumTotals(lines);
    expect(t).toEqual({
      subtotal_minor: 2_033_333n,
      discount_minor: 5_000n,
      tax_minor: 2_667n,
      total_minor: 2_031_000n,
      item_count: 6,
    });
    expect(t.total_minor).toBe(t.subtotal_minor - t.discount_minor + t.tax_minor);
  });

  it('per-line rounding differs from rounding the basket, by design', () => {
    // Three lines of 3 330 at 5%: per line 166.5 → 167 each = 501; on the basket 499.5 → 500.
    const lines = [1, 2, 3].map(() => ({ ...line(3_330, 1, 0, 500), quantity: 1 }));
    expect(sumTotals(lines).tax_minor).toBe(501n);
  });

  it('is all zeros for an empty basket', () => {
    expect(sumTotals([])).toEqual({
      subtotal_minor: 0n,
      discount_minor: 0n,
      tax_minor: 0n,
      total_minor: 0n,
      item_count: 0,
    });
  });
});

describe('refundShare', () => {
  it('refunds a whole line exactly', () => {
    expect(refundShare(33_000n, 3, 0, 3)).toBe(33_000n);
  });

  it('splits unevenly divisible totals so the steps add up to the line total', () => {
    const total = 10_001n;
    const steps = [refundShare(total, 3, 0, 1), refundShare(total, 3, 1, 1), refundShare(total, 3, 2, 1)];
    expect(steps).toEqual([3_333n, 3_334n, 3_334n]);
    expect(steps.reduce((a, b) => a + b, 0n)).toBe(total);
    expect(refundShare(total, 3, 0, 2) + refundShare(total, 3, 2, 1)).toBe(total);
  });

  it('refuses more than is left', () => {
    expect(() => refundShare(100n, 2, 1, 2)).toThrow(RangeError);
    expect(() => refundShare(100n, 2, 0, 0)).toThrow(RangeError);
  });
});
