import type { StoreEvent } from '@retail-stream/schemas';
import { defineTable, iso } from './define-table.ts';

/** hq_refunds: one row per SaleRefunded (its lines are hq_refund_lines). */
export interface RefundRow {
  store_id: string;
  refund_id: string;
  event_id: string;
  transaction_id: string;
  amount_minor: number;
  currency: string;
  reason: string;
  occurred_at: string;
  store_seq: number;
}

export const refundsTable = defineTable<RefundRow>()({
  table: 'hq_refunds',
  columns: [
    ['store_id', 'text'],
    ['refund_id', 'text'],
    ['event_id', 'text'],
    ['transaction_id', 'text'],
    ['amount_minor', 'bigint'],
    ['currency', 'text'],
    ['reason', 'text'],
    ['occurred_at', 'timestamptz'],
    ['store_seq', 'bigint'],
  ],
  tail: 'ON CONFLICT DO NOTHING',
});

export function refundRows(events: readonly StoreEvent[]): RefundRow[] {
  const out: RefundRow[] = [];
  for (const e of events) {
    if (e.event_type !== 'SaleRefunded') continue;
    out.push({
      store_id: e.store_id,
      refund_id: e.refund_id,
      event_id: e.event_id,
      transaction_id: e.transaction_id,
      amount_minor: e.amount_minor,
      currency: e.currency,
      reason: e.reason,
      occurred_at: iso(e.occurred_at),
      store_seq: e.store_seq,
    });
  }
  return out;
}
