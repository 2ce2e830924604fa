import type pg from 'pg';
import type { LotQuantity } from '@retail-stream/schemas';

export interface NewGoodsReceipt {
  id: string;
  store_id: string;
  terminal_id: string;
  cashier_id: string;
  supplier_id: string;
  supplier_ref: string | null;
  currency: string;
  total_cost_minor: bigint;
  lines: readonly { sku: string; quantity: number; unit_cost_minor: bigint; lots: readonly LotQuantity[] }[];
}

/** Records a supplier delivery and its lines (stock moves separately: applyStockDeltas). */
export async function insertGoodsReceipt(client: pg.ClientBase, r: NewGoodsReceipt): Promise<void> {
  await client.query(
    `INSERT INTO goods_receipts (id, store_id, terminal_id, cashier_id, supplier_id, supplier_ref, currency, total_cost_minor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      r.id,
      r.store_id,
      r.terminal_id,
      r.cashier_id,
      r.supplier_id,
      r.supplier_ref,
      r.currency,
      r.total_cost_minor,
    ],
  );
  await client.query(
    `INSERT INTO goods_receipt_lines (receipt_id, sku, store_id, quantity, unit_cost_minor, lots)
     SELECT $1, l.sku, $2, l.quantity, l.unit_cost_minor, l.lots
       FROM unnest($3::text[], $4::int[], $5::bigint[], $6::jsonb[]) AS l(sku, quantity, unit_cost_minor, lots)`,
    [
      r.id,
      r.store_id,
      r.lines.map((l) => l.sku),
      r.lines.map((l) => l.quantity),
      r.lines.map((l) => l.unit_cost_minor.toString()),
      r.lines.map((l) => JSON.stringify(l.lots)),
    ],
  );
}
