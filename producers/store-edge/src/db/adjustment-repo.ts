import type pg from 'pg';
import type { AdjustmentReason, StockChange } from '../events.ts';

export interface NewAdjustment {
  id: string;
  store_id: string;
  terminal_id: string;
  cashier_id: string;
  reason: AdjustmentReason;
  note: string | null;
  stock: readonly StockChange[];
}

/**
 * Records a stock correction and sets each SKU's on_hand to the value it decided. The caller
 * holds the rows' locks (lockOnHand), so no movement can slip in between.
 */
export async function recordAdjustment(client: pg.ClientBase, a: NewAdjustment): Promise<void> {
  const stock = JSON.stringify(a.stock);
  await client.query(
    `INSERT INTO inventory_adjustments (id, store_id, terminal_id, cashier_id, reason, note) VALUES ($1, $2, $3, $4, $5, $6)`,
    [a.id, a.store_id, a.terminal_id, a.cashier_id, a.reason, a.note],
  );
  await client.query(
    `INSERT INTO inventory_adjustment_lines (adjustment_id, sku, store_id, on_hand_before, delta, on_hand_after, lots)
     SELECT $1, s.sku, $2, s.on_hand_after - s.delta, s.delta, s.on_hand_after, s.lots
       FROM jsonb_to_recordset($3::jsonb) AS s(sku text, delta int, on_hand_after int, lots jsonb)`,
    [a.id, a.store_id, stock],
  );
  await client.query(
    `UPDATE local_inventory inv SET on_hand = s.on_hand_after, updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS s(sku text, on_hand_after int)
      WHERE inv.store_id = $1 AND inv.sku = s.sku`,
    [a.store_id, stock],
  );
}
