import type { StoreEvent } from '@retail-stream/schemas';
import { defineTable, iso } from './define-table.ts';

/** hq_payments: captured and failed payment attempts. */
export interface PaymentRow {
  store_id: string;
  payment_id: string;
  event_id: string;
  transaction_id: string;
  status: 'CAPTURED' | 'FAILED';
  method: string;
  amount_minor: number;
  currency: string;
  provider_ref: string | null;
  failure_reason: string | null;
  occurred_at: string;
  store_seq: number;
}

export const paymentsTable = defineTable<PaymentRow>()({
  table: 'hq_payments',
  columns: [
    ['store_id', 'text'],
    ['payment_id', 'text'],
    ['event_id', 'text'],
    ['transaction_id', 'text'],
    ['status', 'text'],
    ['method', 'text'],
    ['amount_minor', 'bigint'],
    ['currency', 'text'],
    ['provider_ref', 'text'],
    ['failure_reason', 'text'],
    ['occurred_at', 'timestamptz'],
    ['store_seq', 'bigint'],
  ],
  tail: 'ON CONFLICT DO NOTHING',
});

export function paymentRows(events: readonly StoreEvent[]): PaymentRow[] {
  const out: PaymentRow[] = [];
  for (const e of events) {
    if (e.event_type !== 'PaymentCaptured' && e.event_type !== 'PaymentFailed') continue;
    out.push({
      store_id: e.store_id,
      payment_id: e.payment_id,
      event_id: e.event_id,
      transaction_id: e.transaction_id,
      status: e.event_type === 'PaymentCaptured' ? 'CAPTURED' : 'FAILED',
      method: e.method,
      amount_minor: e.amount_minor,
      currency: e.currency,
      provider_ref: e.event_type === 'PaymentCaptured' ? e.provider_ref : null,
      failure_reason: e.event_type === 'PaymentFailed' ? e.reason : null,
      occurred_at: iso(e.occurred_at),
      store_seq: e.store_seq,
    });
  }
  return out;
}
