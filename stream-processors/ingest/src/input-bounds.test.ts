import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { receiptAtCost, saleWithLine } from '../test/out-of-bounds-events.ts';
import { boundsViolation } from './input-bounds.ts';

const NOW = 1_763_800_000_000;
const DAY = 86_400_000;
const ctx = { now: NOW, maxEventAgeMs: 30 * DAY };
const factory = () => new StoreEventFactory('s001', undefined, 1, () => NOW);

describe('input bounds', () => {
  it('accept every kind of event the factory makes, recent ones and ones 29 days old', () => {
    for (const e of factory().mixed(300)) expect(boundsViolation(e, ctx), e.event_type).toBeUndefined();
    const old = { ...factory().sale(), occurred_at: NOW - 29 * DAY };
    expect(boundsViolation(old, ctx)).toBeUndefined();
  });

  it('refuse a negative price, discount, cost or amount, naming the field', () => {
    const f = factory();
    // The price makes the line and sale totals negative too: the first negative field is named.
    expect(boundsViolation(saleWithLine(f, -500, 0), ctx)).toEqual({
      code: 'NEGATIVE_AMOUNT',
      message: expect.stringMatching(/^(total_minor|lines\[0\]\.unit_price_minor): must be >= 0, got -/),
    });
    const priceOnly = saleWithLine(f, -500, -1_000_000); // the discount keeps every total positive
    expect(boundsViolation(priceOnly, ctx)?.message).toBe(
      'lines[0].unit_price_minor: must be >= 0, got -500',
    );
    expect(boundsViolation(saleWithLine(f, 500, -100), ctx)?.message).toMatch(/^lines\[0\]\.discount_minor/);
    expect(boundsViolation(receiptAtCost(f, -1), ctx)).toMatchObject({ code: 'NEGATIVE_AMOUNT' });
    expect(boundsViolation({ ...f.sale(), tax_minor: -3 }, ctx)?.message).toMatch(/^tax_minor/);
  });

  it('refuse an event older than the limit, unless the limit is 0', () => {
    const old = { ...factory().sale(), occurred_at: NOW - 30 * DAY - 1 };
    expect(boundsViolation(old, ctx)).toMatchObject({ code: 'EVENT_TOO_OLD' });
    expect(boundsViolation(old, { ...ctx, maxEventAgeMs: 0 })).toBeUndefined();
  });

  it('refuse a customer_ref that is a phone number, without repeating it', () => {
    for (const phone of ['+84901234567', '0901234567']) {
      const v = boundsViolation({ ...factory().sale(), customer_ref: phone }, ctx);
      expect(v?.code).toBe('CUSTOMER_REF_NOT_PSEUDONYM');
      expect(v?.message).not.toContain(phone);
    }
    expect(boundsViolation({ ...factory().sale(), customer_ref: null }, ctx)).toBeUndefined();
  });
});
