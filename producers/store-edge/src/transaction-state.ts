import type { RefusalCode } from './refusal.ts';

/**
 * The life of a store transaction (basket). Pure: callers load the facts under a row lock, ask
 * here, and throw a refusal as a Refusal (its code is a 409). Keeping every rule in one table
 * makes "which transitions exist" reviewable and unit-testable without a database.
 *
 *   DRAFT ──finalize──▶ PAID ──refund (some)──▶ PARTIALLY_REFUNDED ──refund (rest)──▶ REFUNDED
 *     │                  │  └──────────refund (all)──────────────────────────────────▲
 *     └──void──▶ VOIDED ◀┘ void (restocks)
 */

export const TX_STATUSES = ['DRAFT', 'PAID', 'VOIDED', 'PARTIALLY_REFUNDED', 'REFUNDED'] as const;
export type TxStatus = (typeof TX_STATUSES)[number];

export const TX_ACTIONS = [
  'EDIT_LINES',
  'ADD_PAYMENT',
  'SETTLE_PAYMENT',
  'FINALIZE',
  'VOID',
  'REFUND',
] as const;
export type TxAction = (typeof TX_ACTIONS)[number];

export interface TxFacts {
  status: TxStatus;
  line_count: number;
  total_minor: bigint;
  captured_minor: bigint;
  /** Amount of payments still waiting for the provider (QR). */
  pending_minor: bigint;
  pending_count: number;
  /** REFUND only: units of the sale not yet refunded once this refund is applied. */
  units_left_after_refund?: number;
}

export type Decision = { ok: true; next: TxStatus } | { ok: false; code: RefusalCode; message: string };

const refuse = (code: RefusalCode, message: string): Decision => ({ ok: false, code, message });
const allow = (next: TxStatus): Decision => ({ ok: true, next });

function notOpen(status: TxStatus): Decision {
  return refuse(
    'TRANSACTION_NOT_OPEN',
    `transaction is ${status}; only a DRAFT transaction can be changed or paid`,
  );
}

export function decide(action: TxAction, f: TxFacts): Decision {
  switch (action) {
    case 'EDIT_LINES':
      if (f.status !== 'DRAFT') return notOpen(f.status);
      // The basket must not change under money already taken or being taken.
      if (f.captured_minor > 0n || f.pending_count > 0) {
        return refuse(
          'PAYMENT_STARTED',
          'lines cannot change once a payment was captured or is pending; void the sale instead',
        );
      }
      return allow('DRAFT');

    case 'ADD_PAYMENT':
      if (f.status !== 'DRAFT') return notOpen(f.status);
      if (f.line_count === 0) return refuse('EMPTY_TRANSACTION', 'add items before taking payment');
      if (amountStillDue(f) <= 0n)
        return refuse('NOTHING_DUE', 'the transaction is already fully paid or covered by pending payments');
      return allow('DRAFT');

    case 'SETTLE_PAYMENT':
      if (f.status !== 'DRAFT') return notOpen(f.status);
      return allow('DRAFT');

    case 'FINALIZE':
      if (f.status !== 'DRAFT') return notOpen(f.status);
      if (f.line_count === 0)
        return refuse('EMPTY_TRANSACTION', 'cannot finalize a transaction without lines');
      if (f.pending_count > 0)
        return refuse('PAYMENT_PENDING', 'a payment is still pending; wait for it or cancel it');
      if (f.captured_minor < f.total_minor) {
        return refuse('INSUFFICIENT_PAYMENT', `captured ${f.captured_minor} of ${f.total_minor}`);
      }
      return allow('PAID');

    case 'VOID':
      if (f.status === 'DRAFT' || f.status === 'PAID') return allow('VOIDED');
      if (f.status === 'VOIDED') return refuse('ALREADY_VOIDED', 'transaction is already voided');
      return refuse(
        'REFUND_EXISTS',
        `transaction is ${f.status}; refund the remaining lines instead of voiding`,
      );

    case 'REFUND':
      if (f.status === 'PAID' || f.status === 'PARTIALLY_REFUNDED') {
        if (f.units_left_after_refund === undefined) throw new Error('REFUND needs units_left_after_refund');
        return allow(f.units_left_after_refund === 0 ? 'REFUNDED' : 'PARTIALLY_REFUNDED');
      }
      if (f.status === 'REFUNDED') return refuse('ALREADY_REFUNDED', 'transaction is already fully refunded');
      return refuse('NOT_PAID', `transaction is ${f.status}; only a paid sale can be refunded`);
  }
}

/** What a new payment may still cover: total minus captured minus pending (never below zero). */
export function amountStillDue(f: Pick<TxFacts, 'total_minor' | 'captured_minor' | 'pending_minor'>): bigint {
  const due = f.total_minor - f.captured_minor - f.pending_minor;
  return due > 0n ? due : 0n;
}
