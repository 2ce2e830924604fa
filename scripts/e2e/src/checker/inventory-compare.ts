import { reconcile, type CheckRow, type Found } from '../reconcile.ts';

/**
 * Stock per store and SKU: the store edge's own `local_inventory` is the truth; a sink must hold
 * the same on-hand for every SKU whose stock moved through events (SKUs never moved were seeded
 * directly and never reach HQ). Keys are `store|sku`.
 */

export interface StockRow {
  store_id: string;
  sku: string;
  on_hand: number;
}

export const stockKey = (storeId: string, sku: string): string => `${storeId}|${sku}`;

/**
 * Expected on-hand of every moved SKU. `moved` holds the `store|sku` keys named by the stores'
 * own outbox stock changes; `local` is every local_inventory row of those stores.
 */
export function expectedStock(local: readonly StockRow[], moved: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of local) {
    const key = stockKey(r.store_id, r.sku);
    if (moved.has(key)) out.set(key, r.on_hand);
  }
  // A moved SKU without a local row is a store-side inconsistency; expecting it makes it visible.
  for (const key of moved) if (!out.has(key)) out.set(key, Number.NaN);
  return out;
}

export function compareStock(
  check: string,
  expected: ReadonlyMap<string, number>,
  found: readonly StockRow[],
): CheckRow {
  const rows: Found<number>[] = found.map((r) => ({ key: stockKey(r.store_id, r.sku), value: r.on_hand }));
  return reconcile(check, expected, rows, (e, f) => e === f);
}
