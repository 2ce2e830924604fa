import type pg from 'pg';
import type { GuardedWrite } from './guarded-write.ts';
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

/**
 * A sale's units leaving stock, CTE `sold` of the checkout's guarded write (after the guard, in SKU
 * order: the lock order of every writer). `moves` are merged per SKU (mergeStockDeltas). With
 * `rejectNegative` (EDGE_INSUFFICIENT_STOCK_POLICY=reject) a SKU that would go below zero is not
 * written (nor a SKU without a row, which would start below zero), so the row count falls short and
 * the statement undoes itself: the check the use case made on the read's on_hand is made true at
 * write time. ON CONFLICT DO UPDATE works on the latest row
 * version, so on_hand is right even after waiting for another sale. Returns (sku, on_hand).
 */
export function sellStockWrite(
  storeId: string,
  moves: readonly { sku: string; delta: number }[],
  rejectNegative: boolean,
): GuardedWrite {
  return {
    name: 'sold',
    rows: moves.length,
    text: `INSERT INTO local_inventory AS inv (store_id, sku, on_hand)
      SELECT $1::text, d.sku, d.delta FROM unnest($2::text[], $3::int[]) AS d(sku, delta)
       WHERE EXISTS (SELECT 1 FROM guard)
         AND (NOT $4::boolean OR d.delta >= 0
           OR EXISTS (SELECT 1 FROM local_inventory x WHERE x.store_id = $1 AND x.sku = d.sku))
       ORDER BY d.sku
      ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = inv.on_hand + EXCLUDED.on_hand, updated_at = now()
        WHERE NOT $4::boolean OR inv.on_hand + EXCLUDED.on_hand >= 0
      RETURNING inv.sku, inv.on_hand`,
    values: [storeId, moves.map((m) => m.sku), moves.map((m) => m.delta), rejectNegative],
  };
}

/**
 * The outbox payload patch that fills each SaleRecorded `stock` entry's on_hand_after from `sold`:
 * only the write statement knows what on_hand became (other sales of the same SKU may commit
 * between the read and the write, and need not conflict with this one).
 */
export const SOLD_ON_HAND_PATCH = `CASE WHEN e.event_type = 'SaleRecorded' THEN jsonb_build_object('stock',
    (SELECT coalesce(jsonb_agg(x.s || jsonb_build_object('on_hand_after', sold.on_hand) ORDER BY x.n), '[]'::jsonb)
       FROM jsonb_array_elements(e.payload -> 'stock') WITH ORDINALITY AS x(s, n) JOIN sold ON sold.sku = x.s ->> 'sku'))
  ELSE '{}'::jsonb END`;
