import type { SaleRefunded } from '@retail-stream/schemas';
import { defineTable } from './define-table.ts';
import { storeColumns, type StoreColumns } from './enrichment.ts';

/** refunds: one row per SaleRefunded, its lines summed. */
export type RefundRow = StoreColumns & {
  event_id: string;
  store_id: string;
  store_seq: number;
  transaction_id: string;
  refund_id: string;
  amount_minor: number;
  currency: string;
  reason: string;
  line_count: number;
  quantity: number;
  occurred_at_ms: number;
};

export const refundsTable = defineTable<RefundRow>()({
  table: 'refunds',
  columns: [
    ['event_id', 'String'],
    ['store_id', 'String'],
    ['store_seq', 'UInt64'],
    ['transaction_id', 'String'],
    ['refund_id', 'String'],
    ['amount_minor', 'Int64'],
    ['currency', 'String'],
    ['reason', 'String'],
    ['line_count', 'UInt16'],
    ['quantity', 'Int32'],
    ['occurred_at_ms', 'Int64'],
    ['store_name', 'Nullable(String)'],
    ['region', 'Nullable(String)'],
  ],
  orderBy: ['store_id', 'event_id'],
});

export function refundRows(e: SaleRefunded): RefundRow[] {
  return [
    {
      event_id: e.event_id,
      store_id: e.store_id,
      store_seq: e.store_seq,
      transaction_id: e.transaction_id,
      refund_id: e.refund_id,
      amount_minor: e.amount_minor,
      currency: e.currency,
      reason: e.reason,
      line_count: Math.min(e.lines.length, 65_535),
      quantity: e.lines.reduce((s, l) => s + l.quantity, 0),
      occurred_at_ms: e.occurred_at,
      ...storeColumns(e.enrichment),
    },
  ];
}
