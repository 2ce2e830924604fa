import type { StoreEvent } from '@retail-stream/schemas';
import { defineTable, iso } from './define-table.ts';

/** hq_refund_lines: the lines of each SaleRefunded. */
export interface RefundLineRow {
  store_id: string;
  refund_id: string;
  line_no: number;
  sku: string;
  quantity: number;
  amount_minor: number;
  occurred_at: string;
}

export const refundLinesTable = defineTable<RefundLineRow>()({
  table: 'hq_refund_lines',
  columns: [
    ['store_id', 'text'],
    ['refund_id', 'text'],
    ['line_no', 'integer'],
    ['sku', 'text'],
    ['quantity', 'integer'],
    ['amount_minor', 'bigint'],
    ['occurred_at', 'timestamptz'],
  ],
  tail: 'ON CONFLICT DO NOTHING',
});

export function refundLineRows(events: readonly StoreEvent[]): RefundLineRow[] {
  const out: RefundLineRow[] = [];
  for (const e of events) {
    if (e.event_type !== 'SaleRefunded') continue;
    const at = iso(e.occurred_at);
    for (const l of e.lines) {
      out.push({
        store_id: e.store_id,
        refund_id: e.refund_id,
        line_no: l.line_no,
        sku: l.sku,
        quantity: l.quantity,
        amount_minor: l.amount_minor,
        occurred_at: at,
      });
    }
  }
  return out;
}
