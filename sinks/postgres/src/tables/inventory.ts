import { LEGACY_STORE_EPOCH } from '@retail-stream/runtime';
import { defineTable, iso } from './define-table.ts';
import type { SourcedEvent } from './inbox.ts';

/**
 * hq_inventory: current on-hand per (store, SKU), the on_hand_after of the latest change: within
 * one store epoch the highest store_seq, across epochs (a rebuilt store database restarts its
 * store_seq at 1) the latest occurred_at.
 */
export interface InventoryRow {
  store_id: string;
  sku: string;
  on_hand: number;
  last_store_seq: number;
  store_epoch: string;
  updated_at: string;
}

/**
 * Last write wins, whatever order the writes arrive in: by store_seq within an epoch, by
 * (occurred_at, epoch) between epochs (so the merge stays commutative).
 */
export const inventoryTable = defineTable<InventoryRow>()({
  table: 'hq_inventory',
  columns: [
    ['store_id', 'text'],
    ['sku', 'text'],
    ['on_hand', 'integer'],
    ['last_store_seq', 'bigint'],
    ['store_epoch', 'text'],
    ['updated_at', 'timestamptz'],
  ],
  tail: `ON CONFLICT (store_id, sku) DO UPDATE SET
    on_hand = excluded.on_hand, last_store_seq = excluded.last_store_seq,
    store_epoch = excluded.store_epoch, updated_at = excluded.updated_at
    WHERE CASE WHEN excluded.store_epoch = t.store_epoch THEN excluded.last_store_seq > t.last_store_seq
               ELSE (excluded.updated_at, excluded.store_epoch) > (t.updated_at, t.store_epoch) END`,
});

/** One row per (store, SKU) the batch's stock changes touch: its latest change (as the SQL merge decides). */
export function inventoryRows(sourced: readonly SourcedEvent[]): InventoryRow[] {
  const inventory = new Map<string, InventoryRow>();
  for (const { event: e, epoch = LEGACY_STORE_EPOCH } of sourced) {
    if (!('stock' in e) || e.stock.length === 0) continue;
    const at = iso(e.occurred_at);
    for (const s of e.stock) {
      const key = `${e.store_id}\u0000${s.sku}`;
      const prev = inventory.get(key);
      const row: InventoryRow = {
        store_id: e.store_id,
        sku: s.sku,
        on_hand: s.on_hand_after,
        last_store_seq: e.store_seq,
        store_epoch: epoch,
        updated_at: at,
      };
      if (!prev || isLater(row, prev)) inventory.set(key, row);
    }
  }
  return [...inventory.values()];
}

function isLater(a: InventoryRow, b: InventoryRow): boolean {
  if (a.store_epoch === b.store_epoch) return a.last_store_seq >= b.last_store_seq;
  const ta = Date.parse(a.updated_at);
  const tb = Date.parse(b.updated_at);
  return ta !== tb ? ta > tb : a.store_epoch > b.store_epoch;
}
