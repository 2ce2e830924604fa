import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { addEvent, addMeasures, cloneMeasures, derived, emptyMeasures } from './measures.ts';

describe('accumulator', () => {
  const f = new StoreEventFactory('s001', undefined, 1, () => Date.parse('2026-03-10T12:00:00Z'));

  it('GMV is net: paid sales minus refunds minus voids of paid sales', () => {
    const m = emptyMeasures();
    const a = f.sale(3);
    const b = f.sale(4);
    const c = f.sale(2);
    const refund = f.refund(b);
    const voidPaid = f.void(a);
    const voidUnpaid = { ...f.void(c), was_paid: false };
    for (const ev of [a, b, c, refund, voidPaid, voidUnpaid]) addEvent(m, ev);
    expect(m.gmv_minor).toBe(
      a.total_minor + b.total_minor + c.total_minor - refund.amount_minor - a.total_minor,
    );
    expect(m.orders).toBe(3);
    expect(m.items).toBe(a.item_count + b.item_count + c.item_count);
    expect(m.refunds_minor).toBe(refund.amount_minor);
    expect(m.refund_count).toBe(1);
    expect(m.voids_minor).toBe(a.total_minor);
    expect(m.void_count).toBe(2);
  });

  it('counts payment attempts and captures, captured amount per method', () => {
    const m = emptyMeasures();
    const s1 = f.sale(2);
    const s2 = f.sale(2);
    const cap1 = { ...f.paymentCaptured(s1), method: 'QR' as const };
    const cap2 = { ...f.paymentCaptured(s2), method: 'CASH' as const };
    const failed = f.paymentFailed(s2);
    for (const ev of [cap1, failed, cap2]) addEvent(m, ev);
    expect(m.payments_attempted).toBe(3);
    expect(m.payments_captured).toBe(2);
    expect(m.payments_by_method).toEqual({ QR: s1.total_minor, CASH: s2.total_minor });
    expect(derived(m, 60_000).paymentSuccessRate).toBeCloseTo(2 / 3);
  });

  it('stock-only events carry no KPI', () => {
    const m = emptyMeasures();
    expect(addEvent(m, f.goodsReceived())).toBe(false);
    expect(addEvent(m, f.adjustment())).toBe(false);
    expect(m).toEqual(emptyMeasures());
  });

  it('sums and subtracts measures exactly (store → chain, revision replacement)', () => {
    const a = emptyMeasures();
    const s = f.sale(3);
    addEvent(a, s);
    addEvent(a, { ...f.paymentCaptured(s), method: 'CARD' });
    const total = emptyMeasures();
    addMeasures(total, a);
    addMeasures(total, a);
    expect(total.gmv_minor).toBe(2 * s.total_minor);
    expect(total.payments_by_method.CARD).toBe(2 * s.total_minor);
    addMeasures(total, cloneMeasures(a), -1);
    addMeasures(total, a, -1);
    expect(total).toEqual(emptyMeasures());
  });

  it('derives average basket and order rate at read time', () => {
    const m = { ...emptyMeasures(), gmv_minor: 300, orders: 3 };
    expect(derived(m, 15 * 60_000)).toMatchObject({ averageBasketMinor: 100, ordersPerMinute: 0.2 });
    expect(derived(emptyMeasures(), 60_000).averageBasketMinor).toBeUndefined();
  });
});
