import type pg from 'pg';
import type { Totals } from '../checkout-math.ts';
import { notFound } from '../http/api-error.ts';
import type { PaymentMethod, PaymentStatus } from '../payment-state.ts';
import type { TxStatus } from '../transaction-state.ts';

export interface TxRow {
  id: string;
  store_id: string;
  terminal_id: string;
  cashier_id: string;
  status: TxStatus;
  currency: string;
  subtotal_minor: bigint;
  discount_minor: bigint;
  tax_minor: bigint;
  total_minor: bigint;
  item_count: number;
  refunded_minor: bigint;
  customer_ref: string | null;
  next_line_no: number;
  created_at: Date;
  finalized_at: Date | null;
  voided_at: Date | null;
  void_reason: string | null;
}

export interface LineRow {
  line_no: number;
  sku: string;
  barcode: string;
  product_name: string;
  category: string;
  quantity: number;
  unit_price_minor: bigint;
  discount_minor: bigint;
  tax_rate_bp: number;
  tax_minor: bigint;
  line_total_minor: bigint;
  refunded_quantity: number;
}

export interface PaymentRow {
  id: string;
  transaction_id: string;
  terminal_id: string;
  cashier_id: string;
  method: PaymentMethod;
  status: PaymentStatus;
  amount_minor: bigint;
  currency: string;
  tendered_minor: bigint | null;
  change_minor: bigint | null;
  provider_ref: string | null;
  qr_payload: string | null;
  expires_at: Date | null;
  failure_reason: string | null;
  created_at: Date;
  settled_at: Date | null;
}

const TX_COLUMNS = `id, store_id, terminal_id, cashier_id, status, currency, subtotal_minor, discount_minor, tax_minor,
  total_minor, item_count, refunded_minor, customer_ref, next_line_no, created_at, finalized_at, voided_at, void_reason`;
const LINE_COLUMNS = `line_no, sku, barcode, product_name, category, quantity, unit_price_minor, discount_minor,
  tax_rate_bp, tax_minor, line_total_minor, refunded_quantity`;
export const PAYMENT_COLUMNS = `id, transaction_id, terminal_id, cashier_id, method, status, amount_minor, currency,
  tendered_minor, change_minor, provider_ref, qr_payload, expires_at, failure_reason, created_at, settled_at`;

/**
 * Loads and row-locks a transaction: everything that changes a sale starts here, so concurrent
 * requests for one sale run one after the other and see each other's results.
 */
export async function lockTransaction(client: pg.ClientBase, storeId: string, id: string): Promise<TxRow> {
  const { rows } = await client.query<TxRow>(
    `SELECT ${TX_COLUMNS} FROM transactions WHERE store_id = $1 AND id = $2 FOR UPDATE`,
    [storeId, id],
  );
  if (!rows[0]) throw notFound('TRANSACTION_NOT_FOUND', `no transaction ${id}`, 'id');
  return rows[0];
}

export async function getTransaction(
  db: pg.ClientBase | pg.Pool,
  storeId: string,
  id: string,
): Promise<TxRow> {
  const { rows } = await db.query<TxRow>(
    `SELECT ${TX_COLUMNS} FROM transactions WHERE store_id = $1 AND id = $2`,
    [storeId, id],
  );
  if (!rows[0]) throw notFound('TRANSACTION_NOT_FOUND', `no transaction ${id}`, 'id');
  return rows[0];
}

export async function loadLines(db: pg.ClientBase | pg.Pool, txId: string): Promise<LineRow[]> {
  const { rows } = await db.query<LineRow>(
    `SELECT ${LINE_COLUMNS} FROM line_items WHERE transaction_id = $1 ORDER BY line_no`,
    [txId],
  );
  return rows;
}

export async function loadPayments(db: pg.ClientBase | pg.Pool, txId: string): Promise<PaymentRow[]> {
  const { rows } = await db.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE transaction_id = $1 ORDER BY created_at, id`,
    [txId],
  );
  return rows;
}

export async function insertTransaction(
  client: pg.ClientBase,
  tx: Pick<TxRow, 'id' | 'store_id' | 'terminal_id' | 'cashier_id' | 'currency' | 'customer_ref'>,
): Promise<void> {
  await client.query(
    `INSERT INTO transactions (id, store_id, terminal_id, cashier_id, currency, customer_ref)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [tx.id, tx.store_id, tx.terminal_id, tx.cashier_id, tx.currency, tx.customer_ref],
  );
}

export async function saveTotals(client: pg.ClientBase, txId: string, totals: Totals): Promise<void> {
  await client.query(
    `UPDATE transactions SET subtotal_minor = $2, discount_minor = $3, tax_minor = $4, total_minor = $5,
       item_count = $6, updated_at = now() WHERE id = $1`,
    [
      txId,
      totals.subtotal_minor,
      totals.discount_minor,
      totals.tax_minor,
      totals.total_minor,
      totals.item_count,
    ],
  );
}

export async function upsertLine(
  client: pg.ClientBase,
  storeId: string,
  txId: string,
  line: LineRow,
): Promise<void> {
  await client.query(
    `INSERT INTO line_items (transaction_id, line_no, store_id, sku, barcode, product_name, category, quantity,
       unit_price_minor, discount_minor, tax_rate_bp, tax_minor, line_total_minor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (transaction_id, line_no) DO UPDATE SET quantity = EXCLUDED.quantity,
       discount_minor = EXCLUDED.discount_minor, tax_minor = EXCLUDED.tax_minor,
       line_total_minor = EXCLUDED.line_total_minor, updated_at = now()`,
    [
      txId,
      line.line_no,
      storeId,
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
  );
}
