import type pg from 'pg';
import type { RefundLine } from '../events.ts';
import type { TxStatus } from '../transaction-state.ts';

export interface NewRefund {
  id: string;
  store_id: string;
  transaction_id: string;
  terminal_id: string;
  cashier_id: string;
  amount_minor: bigint;
  currency: string;
  reason: string;
  restock: boolean;
  lines: readonly RefundLine[];
}

/**
 * Records a refund: its row and lines, the refunded quantities on the sale's lines, and the sale's
 * new status and refunded total. The caller holds the sale's row lock.
 */
export async function recordRefund(client: pg.ClientBase, r: NewRefund, nextStatus: TxStatus): Promise<void> {
  const lines = JSON.stringify(r.lines);
  await client.query(
    `INSERT INTO refunds (id, store_id, transaction_id, terminal_id, cashier_id, amount_minor, currency, reason, restock)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      r.id,
      r.store_id,
      r.transaction_id,
      r.terminal_id,
      r.cashier_id,
      r.amount_minor,
      r.currency,
      r.reason,
      r.restock,
    ],
  );
  await client.query(
    `INSERT INTO refund_lines (refund_id, line_no, store_id, transaction_id, sku, quantity, amount_minor, lots)
     SELECT $1, r.line_no, $2, $3, r.sku, r.quantity, r.amount_minor, r.lots
       FROM jsonb_to_recordset($4::jsonb) AS r(line_no int, sku text, quantity int, amount_minor bigint, lots jsonb)`,
    [r.id, r.store_id, r.transaction_id, lines],
  );
  await client.query(
    `UPDATE line_items li SET refunded_quantity = li.refunded_quantity + r.quantity, updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS r(line_no int, quantity int)
      WHERE li.transaction_id = $1 AND li.line_no = r.line_no`,
    [r.transaction_id, lines],
  );
  await client.query(
    'UPDATE transactions SET status = $2, refunded_minor = refunded_minor + $3, updated_at = now() WHERE id = $1',
    [r.transaction_id, nextStatus, r.amount_minor],
  );
}
