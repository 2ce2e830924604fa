import { describe, expect, it } from 'vitest';
import { containedTax, priceLine, refundShare, roundHalfUpDiv, sumTotals } from './checkout-math.ts';

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

/** Rows of (tax-inclusive amount, VAT rate in basis points, the VAT contained in the amount). */
function expectContainedTax(cases: readonly (readonly [amount: bigint, bp: number, tax: bigint])[]): void {
  for (const [amount, bp, tax] of cases) expect(containedTax(amount, bp), `${amount} at ${bp} bp`).toBe(tax);
}

describe('containedTax: round_half_up(amount × bp / (10 000 + bp))', () => {
  it('takes the VAT out of a tax-inclusive amount (Vietnam: 10 % = 1/11, 8 % = 2/27, 5 % = 1/21)', () => {
    expectContainedTax([
      [11_000n, 1000, 1_000n], // 11 000 / 11 = 1 000 exactly
      [10_000n, 1000, 909n], // 909.09…
      [25_500n, 800, 1_889n], // 1 888.88…
      [3_333n, 500, 159n], // 158.71…
      [1_000_000n, 0, 0n],
      [0n, 1000, 0n],
    ]);
  });

  it('rounds an exact half up (only possible for rates whose fraction has an even denominator)', () => {
    expectContainedTax([
      // 20 %: amount / 6.  3 → 0.5 → 1;  9 → 1.5 → 2;  15 → 2.5 → 3 (half up, not half even)
      [3n, 2000, 1n],
      [9n, 2000, 2n],
      [15n, 2000, 3n],
      // 12 %: 3 × amount / 28.  14 → 1.5 → 2;  42 → 4.5 → 5
      [14n, 1200, 2n],
      [42n, 1200, 5n],
      // 100 %: amount / 2.  1 → 0.5 → 1 (the whole amount is tax), 3 → 1.5 → 2
      [1n, 10_000, 1n],
      [3n, 10_000, 2n],
    ]);
  });

  it('rounds to nearest just either side of the half', () => {
    expectContainedTax([
      // 10 %: 5 / 11 = 0.4545 → 0, 6 / 11 = 0.5454 → 1;  5 000 / 11 = 454.5454 → 455
      [5n, 1000, 0n],
      [6n, 1000, 1n],
      [5_000n, 1000, 455n],
      // 5 %: 10 / 21 = 0.476 → 0, 11 / 21 = 0.524 → 1
      [10n, 500, 0n],
      [11n, 500, 1n],
      // 8 %: 2 × 6 / 27 = 0.444 → 0, 2 × 7 / 27 = 0.519 → 1
      [6n, 800, 0n],
      [7n, 800, 1n],
      // 20 %: 2 / 6 = 0.333 → 0, 4 / 6 = 0.667 → 1
      [2n, 2000, 0n],
      [4n, 2000, 1n],
    ]);
  });

  it('is within half a unit of the exact share, halves go up, and never exceeds the amount', () => {
    const wrong: string[] = [];
    for (const bp of [0, 1, 500, 800, 1000, 1200, 2000, 3333, 9999, 10_000]) {
      const d = 10_000n + BigInt(bp);
      for (let a = 0n; a <= 3_000n; a++) {
        const tax = containedTax(a, bp);
        // |tax − a·bp/d| ≤ ½  ⇔  −d ≤ 2·(tax·d − a·bp) ≤ d; at exactly ½ it must be the upper one (= d)
        const diff2 = 2n * (tax * d - a * BigInt(bp));
        if (!(diff2 <= d && diff2 > -d) || tax > a) wrong.push(`${a} at ${bp} bp gave ${tax}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('priceLine (tax-inclusive prices, tax contained per line, round half up)', () => {
  it('charges quantity × shelf price and shows the VAT contained in it', () => {
    // 3 × 10 000 = 30 000 at 10 %: 30 000 / 11 = 2 727.27 → 2 727 contained, 27 273 net of tax
    expect(line(10_000, 3, 0, 1000)).toEqual({
      gross_minor: 30_000n,
      discount_minor: 0n,
      net_minor: 27_273n,
      tax_minor: 2_727n,
      line_total_minor: 30_000n,
    });
  });

  it('takes the discount off the inclusive amount, then finds the tax in what is left', () => {
    // 30 000 − 5 000 = 25 000 at 10 %: 2 272.72 → 2 273
    expect(line(10_000, 3, 5_000, 1000)).toEqual({
      gross_minor: 30_000n,
      discount_minor: 5_000n,
      net_minor: 22_727n,
      tax_minor: 2_273n,
      line_total_minor: 25_000n,
    });
    // 3 × 25 500 − 1 500 = 75 000 at 8 %: 75 000 × 800 / 10 800 = 5 555.55 → 5 556
    expect(line(25_500, 3, 1_500, 800)).toMatchObject({ tax_minor: 5_556n, line_total_minor: 75_000n });
  });

  it('rounds the tax of the whole line, not of one unit times the quantity', () => {
    // one 6 000 at 10 % holds 545.45 → 545; three on one line hold 18 000 / 11 = 1 636.36 → 1 636, not 3 × 545
    expect(line(6_000, 1, 0, 1000).tax_minor).toBe(545n);
    expect(line(6_000, 3, 0, 1000)).toMatchObject({
      tax_minor: 1_636n,
      net_minor: 16_364n,
      line_total_minor: 18_000n,
    });
  });

  it('rounds an exact half up', () => {
    // 20 %: 3 × 1 = 3 → 0.5 → 1;  12 %: 2 × 7 = 14 → 1.5 → 2;  12 % after a discount: 50 − 8 = 42 → 4.5 → 5
    expect(line(1, 3, 0, 2000)).toMatchObject({ tax_minor: 1n, net_minor: 2n, line_total_minor: 3n });
    expect(line(7, 2, 0, 1200)).toMatchObject({ tax_minor: 2n, net_minor: 12n, line_total_minor: 14n });
    expect(line(25, 2, 8, 1200)).toMatchObject({ tax_minor: 5n, net_minor: 37n, line_total_minor: 42n });
  });

  it('handles zero rate, zero price and a full discount', () => {
    expect(line(1_000_000, 2, 0, 0)).toEqual({
      gross_minor: 2_000_000n,
      discount_minor: 0n,
      net_minor: 2_000_000n,
      tax_minor: 0n,
      line_total_minor: 2_000_000n,
    });
    expect(line(0, 5, 0, 1000)).toMatchObject({ tax_minor: 0n, line_total_minor: 0n });
    expect(line(5_000, 2, 10_000, 1000)).toMatchObject({
      net_minor: 0n,
      tax_minor: 0n,
      line_total_minor: 0n,
    });
  });

  it('always has net + tax = line total = gross − discount', () => {
    for (const [u, q, d, bp] of [
      [3_333, 3, 1_000, 500],
      [25_500, 7, 499, 800],
      [1, 1, 0, 10_000],
      [99_999, 13, 12_345, 1000],
    ] as const) {
      const p = line(u, q, d, bp);
      expect(p.net_minor + p.tax_minor).toBe(p.line_total_minor);
      expect(p.line_total_minor).toBe(p.gross_minor - p.discount_minor);
    }
  });

  it('stays exact far beyond 2^53 intermediate products (where floats would be off by one)', () => {
    const p = priceLine({
      unit_price_minor: 999_999_999_999n,
      quantity: 9_999,
      discount_minor: 6n,
      tax_rate_bp: 1000,
    });
    expect(p.gross_minor).toBe(9_998_999_999_990_001n);
    expect(p.line_total_minor).toBe(9_998_999_999_989_995n);
    // … × 1 000 / 11 000 = 908 999 999 999 090.4545… → …090 (Math.round on doubles says …091)
    expect(p.tax_minor).toBe(908_999_999_999_090n);
    expect(p.net_minor).toBe(9_089_999_999_990_905n);
  });

  it('rejects impossible lines', () => {
    expect(() => line(1_000, 0, 0, 1000)).toThrow(RangeError);
    expect(() => line(1_000, 1.5, 0, 1000)).toThrow(RangeError);
    expect(() => line(1_000, 1, 1_001, 1000)).toThrow(RangeError);
    expect(() => line(1_000, 1, -1, 1000)).toThrow(RangeError);
    expect(() => line(1_000, 1, 0, 10_001)).toThrow(RangeError);
    expect(() => line(1_000, 1, 0, -1)).toThrow(RangeError);
    expect(() => line(-1, 1, 0, 1000)).toThrow(RangeError);
  });
});

describe('sumTotals', () => {
  it('adds per-line figures; total = subtotal − discount = Σ line totals, tax = Σ contained tax', () => {
    const lines = [
      { ...line(10_000, 3, 5_000, 1000), quantity: 3 }, // 25 000, tax 2 273
      { ...line(3_333, 1, 0, 500), quantity: 1 }, // 3 333, tax 159
      { ...line(1_000_000, 2, 0, 0), quantity: 2 }, // 2 000 000, tax 0
    ];
    const t = sumTotals(lines);
    expect(t).toEqual({
      subtotal_minor: 2_033_333n,
      discount_minor: 5_000n,
      tax_minor: 2_432n,
      total_minor: 2_028_333n,
      item_count: 6,
    });
    expect(t.total_minor).toBe(t.subtotal_minor - t.discount_minor);
    expect(t.total_minor).toBe(lines.reduce((s, l) => s + l.line_total_minor, 0n));
  });

  it('per-line rounding differs from rounding the basket, by design', () => {
    // Three products of 6 000 at 10 %: per line 545.45 → 545 each = 1 635; on the basket 18 000 / 11 → 1 636.
    const lines = [1, 2, 3].map(() => ({ ...line(6_000, 1, 0, 1000), quantity: 1 }));
    expect(sumTotals(lines)).toMatchObject({ tax_minor: 1_635n, total_minor: 18_000n });
    expect(containedTax(18_000n, 1000)).toBe(1_636n);
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
    expect(refundShare(30_000n, 3, 0, 3)).toBe(30_000n);
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
