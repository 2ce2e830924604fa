import type { GuardedWrite, SqlPart } from './guarded-write.ts';
import type { LineRow, NewTransaction, TxRow } from './transaction-repo.ts';

/*
 * The sale's parts of the checkout's guarded write statement (guarded-write.ts): the `guard` CTE on
 * the sale's row, and the line writes that run only once it wrote. Timestamps the answer shows are
 * parameters (the request's clock reading), never now(), so the stored answer and a later GET agree
 * byte for byte.
 */

/** Opening a sale: its INSERT is the guard, run only if the key was claimed. */
export function insertSaleGuard(tx: NewTransaction, createdAt: Date): SqlPart {
  return {
    text: `INSERT INTO transactions (id, store_id, terminal_id, cashier_id, currency, customer_ref, created_at)
      SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::timestamptz FROM claim RETURNING id`,
    values: [tx.id, tx.store_id, tx.terminal_id, tx.cashier_id, tx.currency, tx.customer_ref, createdAt],
  };
}

/** The sale's columns a checkout step may set (besides version and updated_at). */
const SETTABLE = [
  'subtotal_minor',
  'discount_minor',
  'tax_minor',
  'total_minor',
  'item_count',
  'next_line_no',
  'status',
  'customer_ref',
  'finalized_at',
  'finalized_by_terminal_id',
  'prescription_code',
] as const;
export type SaleChange = Partial<
  Pick<TxRow, Exclude<(typeof SETTABLE)[number], 'finalized_by_terminal_id'>> & {
    finalized_by_terminal_id: string;
  }
>;

/**
 * The sale's UPDATE as the guard: only if the key was claimed and the sale is still at the version
 * the read saw (under READ COMMITTED a concurrent update is waited for, and the condition is checked
 * again on the row it left). Bumps the version, so whoever read the sale before this commits fails
 * their own guard and reads again. Column names come from SaleChange's keys, never from input.
 */
export function updateSaleGuard(sale: Pick<TxRow, 'store_id' | 'id' | 'version'>, set: SaleChange): SqlPart {
  const entries = Object.entries(set).filter(([, v]) => v !== undefined);
  // The names go into the SQL text: only the listed columns, whatever object was spread in.
  for (const [column] of entries)
    if (!(SETTABLE as readonly string[]).includes(column))
      throw new Error(`not a settable sale column: ${column}`);
  return {
    text: `UPDATE transactions SET version = version + 1, updated_at = now()${entries
      .map(([column], i) => `, ${column} = $${i + 4}`)
      .join('')}
      WHERE store_id = $1 AND id = $2 AND version = $3 AND EXISTS (SELECT 1 FROM claim) RETURNING id`,
    values: [sale.store_id, sale.id, sale.version, ...entries.map(([, v]) => v)],
  };
}

/** A line inserted or changed (its line_no decides), after the guard. */
export function upsertLineWrite(tx: Pick<TxRow, 'id' | 'store_id'>, line: LineRow): GuardedWrite {
  return {
    name: 'line',
    rows: 1,
    text: `INSERT INTO line_items (transaction_id, line_no, store_id, sku, barcode, product_name, category,
        quantity, unit_price_minor, discount_minor, tax_rate_bp, tax_minor, line_total_minor)
      SELECT $1::uuid, $2::int, $3::text, $4::text, $5::text, $6::text, $7::text, $8::int, $9::bigint, $10::bigint,
        $11::int, $12::bigint, $13::bigint FROM guard
      ON CONFLICT (transaction_id, line_no) DO UPDATE SET quantity = EXCLUDED.quantity,
        discount_minor = EXCLUDED.discount_minor, tax_minor = EXCLUDED.tax_minor,
        line_total_minor = EXCLUDED.line_total_minor, updated_at = now()
      RETURNING 1`,
    values: [
      tx.id,
      line.line_no,
      tx.store_id,
      line.sku,
      line.barcode,
      line.product_name,
      line.category,
      line.quantity,
      line.unit_price_minor,
      line.discount_minor,
      line.tax_rate_bp,
      line.tax_minor,
      line.line_total_minor,
    ],
  };
}

/** A line removed, after the guard. */
export function deleteLineWrite(txId: string, lineNo: number): GuardedWrite {
  return {
    name: 'line',
    rows: 1,
    text: `DELETE FROM line_items WHERE transaction_id = $1 AND line_no = $2 AND EXISTS (SELECT 1 FROM guard) RETURNING 1`,
    values: [txId, lineNo],
  };
}
