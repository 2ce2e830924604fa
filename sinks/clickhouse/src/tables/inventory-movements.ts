import { ValidationError } from '@retail-stream/runtime';
import type { StockChange, StoreEvent } from '@retail-stream/schemas';
import { defineTable } from './define-table.ts';
import { productOf } from './enrichment.ts';

/** inventory_movements: one row per StockChange of any event. */
export type MovementRow = {
  event_id: string;
  change_no: number;
  event_type: string;
  store_id: string;
  store_seq: number;
  sku: string;
  delta: number;
  on_hand_after: number;
  category: string | null;
  brand: string | null;
  occurred_at_ms: number;
};

export const inventoryMovementsTable = defineTable<MovementRow>()({
  table: 'inventory_movements',
  columns: [
    ['event_id', 'String'],
    ['change_no', 'UInt16'],
    ['event_type', 'String'],
    ['store_id', 'String'],
    ['store_seq', 'UInt64'],
    ['sku', 'String'],
    ['delta', 'Int32'],
    ['on_hand_after', 'Int32'],
    ['category', 'Nullable(String)'],
    ['brand', 'Nullable(String)'],
    ['occurred_at_ms', 'Int64'],
  ],
  orderBy: ['store_id', 'event_id', 'change_no'],
});

/** Positions are UInt16: an event with more changes is bad input (dead-lettered, not retried). */
export function movementRows(e: StoreEvent & { stock: StockChange[] }): MovementRow[] {
  if (e.stock.length > 65_535)
    throw new ValidationError('ROW_INVALID', `${e.event_id}: too many stock changes`);
  return e.stock.map((s, i) => {
    const p = productOf(e.enrichment, s.sku);
    return {
      event_id: e.event_id,
      change_no: i + 1,
      event_type: e.event_type,
      store_id: e.store_id,
      store_seq: e.store_seq,
      sku: s.sku,
      delta: s.delta,
      on_hand_after: s.on_hand_after,
      category: p?.category ?? null,
      brand: p?.brand ?? null,
      occurred_at_ms: e.occurred_at,
    };
  });
}
