import type pg from 'pg';
import type { StockChange } from '../events.ts';
import { mergeStockDeltas } from '../stock-deltas.ts';

/**
 * Applies stock movements (rows created at 0 when a SKU was never stocked) and returns what each
 * SKU's on_hand became, in SKU order. The SELECT's ORDER BY is the lock order (see stock-deltas).
 */
export async function applyStockDeltas(
  client: pg.ClientBase,
  storeId: string,
  moves: Iterable<{ sku: string; delta: number }>,
): Promise<StockChange[]> {
  const merged = mergeStockDeltas(moves);
  if (merged.length === 0) return [];
  const { rows } = await client.query<{ sku: string; on_hand: number }>(
    `INSERT INTO local_inventory AS inv (store_id, sku, on_hand)
     SELECT $1, d.sku, d.delta FROM unnest($2::text[], $3::int[]) AS d(sku, delta) ORDER BY d.sku
     ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = inv.on_hand + EXCLUDED.on_hand, updated_at = now()
     RETURNING inv.sku, inv.on_hand`,
    [storeId, merged.map((m) => m.sku), merged.map((m) => m.delta)],
  );
  const after = new Map(rows.map((r) => [r.sku, r.on_hand]));
  return merged.map((m) => ({ sku: m.sku, delta: m.delta, on_hand_after: after.get(m.sku)!, lots: [] }));
}

/** Current on_hand of the SKUs, row-locked until commit (rows created at 0 first so there is something to lock). */
export async function lockOnHand(
  client: pg.ClientBase,
  storeId: string,
  skus: readonly string[],
): Promise<Map<string, number>> {
  const sorted = [...new Set(skus)].sort();
  await client.query(
    `INSERT INTO local_inventory (store_id, sku, on_hand)
     SELECT $1, s, 0 FROM unnest($2::text[]) AS s ORDER BY s
     ON CONFLICT (store_id, sku) DO NOTHING`,
    [storeId, sorted],
  );
  const { rows } = await client.query<{ sku: string; on_hand: number }>(
    'SELECT sku, on_hand FROM local_inventory WHERE store_id = $1 AND sku = ANY($2::text[]) ORDER BY sku FOR UPDATE',
    [storeId, sorted],
  );
  return new Map(rows.map((r) => [r.sku, r.on_hand]));
}
