import { seededRandom } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { cashTendered, DECLINED_CARD_TOKEN, DEFAULT_PAYMENT_MIX, planPayments } from './payment-plan.ts';

describe('planPayments', () => {
  const random = seededRandom(11);
  const plans = Array.from({ length: 20_000 }, () => planPayments(random, DEFAULT_PAYMENT_MIX));

  it('follows the mix of first methods (±2 points)', () => {
    const share = (m: string) => plans.filter((p) => p[0]!.method === m).length / plans.length;
    expect(share('CASH')).toBeCloseTo(0.45, 1);
    expect(share('CARD')).toBeCloseTo(0.35, 1);
    expect(share('QR')).toBeCloseTo(0.2, 1);
  });

  it('declines about 8% of cards with the decline token, and always ends with a capture by another means', () => {
    const cards = plans.filter((p) => p[0]!.method === 'CARD');
    const declined = cards.filter((p) => p[0]!.outcome === 'declined');
    expect(declined.length / cards.length).toBeGreaterThan(0.06);
    expect(declined.length / cards.length).toBeLessThan(0.1);
    for (const p of declined) {
      expect(p[0]!.cardToken).toBe(DECLINED_CARD_TOKEN);
      expect(p).toHaveLength(2);
      expect(p[1]!.cardToken).not.toBe(DECLINED_CARD_TOKEN);
    }
    const wellFormed = (p: (typeof plans)[number]) =>
      p.at(-1)!.outcome === 'captured' &&
      p.slice(0, -1).every((a) => a.outcome !== 'captured') &&
      p.length <= 3;
    expect(plans.filter((p) => !wellFormed(p))).toEqual([]);
    expect(
      plans.some((p) => p[0]!.method === 'QR' && p[0]!.outcome === 'failed' && p[1]!.method === 'CASH'),
    ).toBe(true);
  });

  it('is deterministic for a seed', () => {
    const a = seededRandom(5);
    const b = seededRandom(5);
    expect(Array.from({ length: 100 }, () => planPayments(a))).toEqual(
      Array.from({ length: 100 }, () => planPayments(b)),
    );
  });
});

describe('cashTendered', () => {
  it('is the exact amount or rounds up to 10,000 notes, never less than due', () => {
    expect(cashTendered(123_500, () => 0.1)).toBe(123_500);
    expect(cashTendered(123_500, () => 0.9)).toBe(130_000);
    expect(cashTendered(120_000, () => 0.9)).toBe(120_000);
    const random = seededRandom(2);
    for (let i = 0; i < 1000; i++) {
      const due = 500 + Math.floor(random() * 5_000_000);
      expect(cashTendered(due, random)).toBeGreaterThanOrEqual(due);
    }
  });
});
