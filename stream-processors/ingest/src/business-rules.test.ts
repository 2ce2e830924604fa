import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { describe, expect, it } from 'vitest';
import { businessRuleViolation, type BusinessRuleContext } from './business-rules.ts';

const NOW = 1_763_800_000_000;
const factory = () => new StoreEventFactory('s001', undefined, 1, () => NOW);
const ctx = (over: Partial<BusinessRuleContext> = {}): BusinessRuleContext => ({
  key: 's001',
  now: NOW,
  maxFutureSkewMs: 60_000,
  ...over,
});
const check = (e: StoreEvent, over: Partial<BusinessRuleContext> = {}) => businessRuleViolation(e, ctx(over));

describe('business rules', () => {
  it('accept every kind of event the factory makes', () => {
    for (const e of factory().mixed(300)) expect(check(e), e.event_type).toBeUndefined();
  });

  it('refuse an empty store_id and a store_id that is not the record key', () => {
    const f = factory();
    expect(check({ ...f.sale(), store_id: ' ' }, { key: ' ' })).toMatch(/^store_id: must not be empty/);
    expect(check(f.sale(), { key: 's002' })).toMatch(/^store_id: "s001" differs from the record key "s002"/);
    expect(check(f.sale(), { key: null })).toMatch(/differs from the record key null/);
  });

  it('refuse a store_seq below 1', () => {
    expect(check({ ...factory().sale(), store_seq: 0 })).toMatch(/^store_seq: must be a positive integer/);
  });

  it('refuse occurred_at beyond the allowed future skew, accept it within', () => {
    const sale = factory().sale();
    expect(check({ ...sale, occurred_at: NOW + 60_000 })).toBeUndefined();
    expect(check({ ...sale, occurred_at: NOW + 60_001 })).toMatch(
      /^occurred_at: .* more than 60000 ms in the future/,
    );
  });

  it('refuse a non-ISO currency and one that differs from the store reference currency', () => {
    const sale = factory().sale();
    expect(check({ ...sale, currency: 'vnd' })).toMatch(/^currency: "vnd" is not an ISO 4217 code/);
    expect(check(sale, { storeCurrency: 'USD' })).toMatch(
      /^currency: VND differs from the store's currency USD/,
    );
    expect(check(sale, { storeCurrency: 'VND' })).toBeUndefined();
  });

  it('refuse a sale line with quantity <= 0', () => {
    const sale = factory().sale(3);
    const lines = sale.lines.map((l, i) => (i === 1 ? { ...l, quantity: 0 } : l));
    expect(check({ ...sale, lines })).toMatch(/^lines\[2\]\.quantity: must be > 0, got 0/);
  });

  it('refuse a line total that is not quantity * price - discount', () => {
    const sale = factory().sale(3);
    const lines = sale.lines.map((l, i) =>
      i === 0 ? { ...l, line_total_minor: l.line_total_minor + 1 } : l,
    );
    expect(check({ ...sale, lines })).toMatch(/^lines\[1\]\.line_total_minor/);
  });

  it('refuse line totals that do not add up to the sale total, and a wrong item count', () => {
    const sale = factory().sale(3);
    expect(check({ ...sale, total_minor: sale.total_minor - 1 })).toMatch(
      /^total_minor: .* differs from the sum of line totals/,
    );
    expect(check({ ...sale, item_count: sale.item_count + 1 })).toMatch(/^item_count/);
  });

  it('refuse a refund whose lines do not add up, or with quantity <= 0', () => {
    const f = factory();
    const refund = f.refund(f.sale());
    expect(check({ ...refund, amount_minor: refund.amount_minor + 5 })).toMatch(
      /^amount_minor: .* line amounts/,
    );
    expect(check({ ...refund, lines: [{ ...refund.lines[0]!, quantity: -1 }] })).toMatch(
      /quantity: must be > 0/,
    );
  });

  it('refuse goods received with quantity <= 0 or a wrong total cost', () => {
    const gr = factory().goodsReceived();
    expect(check({ ...gr, total_cost_minor: gr.total_cost_minor + 1 })).toMatch(/^total_cost_minor/);
    expect(check({ ...gr, lines: [{ ...gr.lines[0]!, quantity: 0 }] })).toMatch(/quantity: must be > 0/);
  });

  it('refuse payments of zero or less', () => {
    const f = factory();
    const p = f.paymentCaptured(f.sale());
    expect(check({ ...p, amount_minor: 0 })).toMatch(/^amount_minor: must be > 0/);
    expect(check({ ...f.paymentFailed(f.sale()), amount_minor: -5 })).toMatch(/^amount_minor: must be > 0/);
  });
});
