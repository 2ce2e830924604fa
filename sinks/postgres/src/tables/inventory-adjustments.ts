import type { StoreEvent } from '@retail-stream/schemas';
import { defineTable, iso } from './define-table.ts';

/** hq_inventory_adjustments: one row per InventoryAdjusted, its stock changes as jsonb. */
export interface AdjustmentRow {
  store_id: string;
  adjustment_id: string;
  event_id: string;
  reason: string;
  note: string | null;
  /** JSON text of the event's stock changes. */
  stock: string;
  occurred_at: string;
  store_seq: number;
}

export const adjustmentsTable = defineTable<AdjustmentRow>()({
  table: 'hq_inventory_adjustments',
  columns: [
    ['store_id', 'text'],
    ['adjustment_id', 'text'],
    ['event_id', 'text'],
    ['reason', 'text'],
    ['note', 'text'],
    ['stock', 'jsonb'],
    ['occurred_at', 'timestamptz'],
    ['store_seq', 'bigint'],
  ],
  tail: 'ON CONFLICT DO NOTHING',
});

export function adjustmentRows(events: readonly StoreEvent[]): AdjustmentRow[] {
  const out: AdjustmentRow[] = [];
  for (const e of events) {
    if (e.event_type !== 'InventoryAdjusted') continue;
    out.push({
      store_id: e.store_id,
      adjustment_id: e.adjustment_id,
      event_id: e.event_id,
      reason: e.reason,
      note: e.note,
      stock: JSON.stringify(e.stock),
      occurred_at: iso(e.occurred_at),
      store_seq: e.store_seq,
    });
  }
  return out;
}
