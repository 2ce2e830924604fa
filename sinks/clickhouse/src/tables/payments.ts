import type { PaymentCaptured, PaymentFailed } from '@retail-stream/schemas';
import { defineTable } from './define-table.ts';
import { storeColumns, type StoreColumns } from './enrichment.ts';

/** payments: one row per PaymentCaptured or PaymentFailed. */
export type PaymentRow = StoreColumns & {
  event_id: string;
  event_type: string;
  store_id: string;
  store_seq: number;
  transaction_id: string;
  payment_id: string;
  status: 'captured' | 'failed';
  method: string;
  amount_minor: number;
  currency: string;
  provider_ref: string | null;
  failure_reason: string | null;
  terminal_id: string | null;
  occurred_at_ms: number;
};

export const paymentsTable = defineTable<PaymentRow>()({
  table: 'payments',
  columns: [
    ['event_id', 'String'],
    ['event_type', 'String'],
    ['store_id', 'String'],
    ['store_seq', 'UInt64'],
    ['transaction_id', 'String'],
    ['payment_id', 'String'],
    ['status', 'String'],
    ['method', 'String'],
    ['amount_minor', 'Int64'],
    ['currency', 'String'],
    ['provider_ref', 'Nullable(String)'],
    ['failure_reason', 'Nullable(String)'],
    ['terminal_id', 'Nullable(String)'],
    ['occurred_at_ms', 'Int64'],
    ['store_name', 'Nullable(String)'],
    ['region', 'Nullable(String)'],
  ],
  orderBy: ['store_id', 'event_id'],
});

export function paymentRows(e: PaymentCaptured | PaymentFailed): PaymentRow[] {
  const captured = e.event_type === 'PaymentCaptured';
  return [
    {
      event_id: e.event_id,
      event_type: e.event_type,
      store_id: e.store_id,
      store_seq: e.store_seq,
      transaction_id: e.transaction_id,
      payment_id: e.payment_id,
      status: captured ? 'captured' : 'failed',
      method: e.method,
      amount_minor: e.amount_minor,
      currency: e.currency,
      provider_ref: e.event_type === 'PaymentCaptured' ? e.provider_ref : null,
      failure_reason: e.event_type === 'PaymentFailed' ? e.reason : null,
      terminal_id: e.terminal_id,
      occurred_at_ms: e.occurred_at,
      ...storeColumns(e.enrichment),
    },
  ];
}
