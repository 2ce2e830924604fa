import type { StoreEvent } from '@retail-stream/schemas';
import { defineTable, iso } from './define-table.ts';

/** hq_inventory: current on-hand per (store, SKU), the on_hand_after of the highest store_seq. */
export interface InventoryRow {
  store_id: string;
  sku: string;
  on_hand: number;
  last_store_seq: number;
  updated_at: string;
}

/** Last write by store_seq wins, whatever order the writes arrive in. */
export const inventoryTable = defineTable<InventoryRow>()({
  table: 'hq_inventory',
  columns: [
    ['store_id', 'text'],
    ['sku', 'text'],
    ['on_hand', 'integer'],
    ['last_store_seq', 'bigint'],
    ['updated_at', 'timestamptz'],
  ],
  tail: `ON CONFLICT (store_id, sku) DO UPDATE SET
    on_hand = excluded.on_hand, last_store_seq = excluded.last_store_seq, updated_at = excluded.updated_at
    WHERE excluded.last_store_seq > t.last_store_seq`,
});

/** One row per (store, SKU) the batch's stock changes touch: the change with the highest store_seq. */
export function inventoryRows(events: readonly StoreEvent[]): InventoryRow[] {
  const inventory = new Map<string, InventoryRow>();
  for (const e of events) {
    if (!('stock' in e) || e.stock.length === 0) continue;
    const at = iso(e.occurred_at);
    for (const s of e.stock) {
      const key = `${e.store_id}\u0000${s.sku}`;
      const prev = inventory.get(key);
      if (!prev || e.store_seq >= prev.last_store_seq) {
        inventory.set(key, {
          store_id: e.store_id,
          sku: s.sku,
          on_hand: s.on_hand_after,
          last_store_seq: e.store_seq,
          updated_at: at,
        });
      }
    }
  }
  return [...inventory.values()];
}
