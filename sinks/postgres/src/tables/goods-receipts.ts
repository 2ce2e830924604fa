import type { StoreEvent } from '@retail-stream/schemas';
import { defineTable, iso } from './define-table.ts';

/** hq_goods_receipts: one row per GoodsReceived, its lines as jsonb. */
export interface GoodsReceiptRow {
  store_id: string;
  receipt_id: string;
  event_id: string;
  supplier_id: string;
  currency: string;
  total_cost_minor: number;
  /** JSON text of the event's lines. */
  lines: string;
  occurred_at: string;
  store_seq: number;
}

export const goodsReceiptsTable = defineTable<GoodsReceiptRow>()({
  table: 'hq_goods_receipts',
  columns: [
    ['store_id', 'text'],
    ['receipt_id', 'text'],
    ['event_id', 'text'],
    ['supplier_id', 'text'],
    ['currency', 'text'],
    ['total_cost_minor', 'bigint'],
    ['lines', 'jsonb'],
    ['occurred_at', 'timestamptz'],
    ['store_seq', 'bigint'],
  ],
  tail: 'ON CONFLICT DO NOTHING',
});

export function goodsReceiptRows(events: readonly StoreEvent[]): GoodsReceiptRow[] {
  const out: GoodsReceiptRow[] = [];
  for (const e of events) {
    if (e.event_type !== 'GoodsReceived') continue;
    out.push({
      store_id: e.store_id,
      receipt_id: e.receipt_id,
      event_id: e.event_id,
      supplier_id: e.supplier_id,
      currency: e.currency,
      total_cost_minor: e.total_cost_minor,
      lines: JSON.stringify(e.lines),
      occurred_at: iso(e.occurred_at),
      store_seq: e.store_seq,
    });
  }
  return out;
}
