import { describe, expect, it } from 'vitest';
import {
  amountStillDue,
  decide,
  TX_ACTIONS,
  TX_STATUSES,
  type TxAction,
  type TxFacts,
  type TxStatus,
} from './transaction-state.ts';

const facts = (over: Partial<TxFacts> = {}): TxFacts => ({
  status: 'DRAFT',
  line_count: 2,
  total_minor: 50_000n,
  captured_minor: 0n,
  pending_minor: 0n,
  pending_count: 0,
  units_left_after_refund: 1,
  ...over,
});

/** Every (status, action) pair with "normal" facts: the full transition table. */
const TABLE: Record<TxStatus, Record<TxAction, TxStatus | string>> = {
  DRAFT: {
    EDIT_LINES: 'DRAFT',
    ADD_PAYMENT: 'DRAFT',
    SETTLE_PAYMENT: 'DRAFT',
    FINALIZE: 'INSUFFICIENT_PAYMENT',
    VOID: 'VOIDED',
    REFUND: 'NOT_PAID',
  },
  PAID: {
    EDIT_LINES: 'TRANSACTION_NOT_OPEN',
    ADD_PAYMENT: 'TRANSACTION_NOT_OPEN',
    SETTLE_PAYMENT: 'TRANSACTION_NOT_OPEN',
    FINALIZE: 'TRANSACTION_NOT_OPEN',
    VOID: 'VOIDED',
    REFUND: 'PARTIALLY_REFUNDED',
  },
  VOIDED: {
    EDIT_LINES: 'TRANSACTION_NOT_OPEN',
    ADD_PAYMENT: 'TRANSACTION_NOT_OPEN',
    SETTLE_PAYMENT: 'TRANSACTION_NOT_OPEN',
    FINALIZE: 'TRANSACTION_NOT_OPEN',
    VOID: 'ALREADY_VOIDED',
    REFUND: 'NOT_PAID',
  },
  PARTIALLY_REFUNDED: {
    EDIT_LINES: 'TRANSACTION_NOT_OPEN',
    ADD_PAYMENT: 'TRANSACTION_NOT_OPEN',
    SETTLE_PAYMENT: 'TRANSACTION_NOT_OPEN',
    FINALIZE: 'TRANSACTION_NOT_OPEN',
    VOID: 'REFUND_EXISTS',
    REFUND: 'PARTIALLY_REFUNDED',
  },
  REFUNDED: {
    EDIT_LINES: 'TRANSACTION_NOT_OPEN',
    ADD_PAYMENT: 'TRANSACTION_NOT_OPEN',
    SETTLE_PAYMENT: 'TRANSACTION_NOT_OPEN',
    FINALIZE: 'TRANSACTION_NOT_OPEN',
    VOID: 'REFUND_EXISTS',
    REFUND: 'ALREADY_REFUNDED',
  },
};

describe('transaction state machine', () => {
  for (const status of TX_STATUSES) {
    for (const action of TX_ACTIONS) {
      const expected = TABLE[status][action];
      it(`${status} + ${action} → ${expected}`, () => {
        const d = decide(action, facts({ status }));
        if ((TX_STATUSES as readonly string[]).includes(expected))
          expect(d).toEqual({ ok: true, next: expected });
        else expect(d).toMatchObject({ ok: false, code: expected });
      });
    }
  }

  it('locks the lines once money is captured or pending', () => {
    expect(decide('EDIT_LINES', facts({ captured_minor: 1n }))).toMatchObject({
      ok: false,
      code: 'PAYMENT_STARTED',
    });
    expect(decide('EDIT_LINES', facts({ pending_count: 1, pending_minor: 10n }))).toMatchObject({
      ok: false,
      code: 'PAYMENT_STARTED',
    });
  });

  it('takes payments only for a non-empty basket with something still due', () => {
    expect(decide('ADD_PAYMENT', facts({ line_count: 0 }))).toMatchObject({ code: 'EMPTY_TRANSACTION' });
    expect(decide('ADD_PAYMENT', facts({ captured_minor: 50_000n }))).toMatchObject({ code: 'NOTHING_DUE' });
    expect(
      decide('ADD_PAYMENT', facts({ captured_minor: 30_000n, pending_minor: 20_000n, pending_count: 1 })),
    ).toMatchObject({
      code: 'NOTHING_DUE',
    });
    expect(decide('ADD_PAYMENT', facts({ captured_minor: 30_000n }))).toEqual({ ok: true, next: 'DRAFT' });
  });

  it('finalizes only when captured covers the total and nothing is pending', () => {
    expect(decide('FINALIZE', facts({ captured_minor: 50_000n }))).toEqual({ ok: true, next: 'PAID' });
    expect(decide('FINALIZE', facts({ captured_minor: 60_000n }))).toEqual({ ok: true, next: 'PAID' });
    expect(decide('FINALIZE', facts({ captured_minor: 49_999n }))).toMatchObject({
      code: 'INSUFFICIENT_PAYMENT',
    });
    expect(
      decide('FINALIZE', facts({ captured_minor: 50_000n, pending_count: 1, pending_minor: 5n })),
    ).toMatchObject({
      code: 'PAYMENT_PENDING',
    });
    expect(decide('FINALIZE', facts({ line_count: 0, total_minor: 0n }))).toMatchObject({
      code: 'EMPTY_TRANSACTION',
    });
    // A fully discounted basket needs no payment.
    expect(decide('FINALIZE', facts({ total_minor: 0n }))).toEqual({ ok: true, next: 'PAID' });
  });

  it('a refund of the last units makes the sale REFUNDED', () => {
    expect(decide('REFUND', facts({ status: 'PAID', units_left_after_refund: 0 }))).toEqual({
      ok: true,
      next: 'REFUNDED',
    });
    expect(decide('REFUND', facts({ status: 'PARTIALLY_REFUNDED', units_left_after_refund: 0 }))).toEqual({
      ok: true,
      next: 'REFUNDED',
    });
  });

  it('amountStillDue never goes below zero', () => {
    expect(amountStillDue({ total_minor: 100n, captured_minor: 30n, pending_minor: 20n })).toBe(50n);
    expect(amountStillDue({ total_minor: 100n, captured_minor: 130n, pending_minor: 0n })).toBe(0n);
  });
});
