import pg from 'pg';
import type { PaymentMethod, PaymentStatus } from '../payment-state.ts';
import { Refusal } from '../refusal.ts';
import type { TxStatus } from '../transaction-state.ts';
import type { CatalogItem } from './catalog-repo.ts';

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
  /** The national e-prescription code the sale was dispensed against; set at finalize. */
  prescription_code: string | null;
  /**
   * Bumped by every request that changes the sale or what belongs to it (migrations/0007): the
   * checkout's guarded write applies only if it is still what its read saw.
   */
  version: number;
}

/** A lot a sold line took units from, as the API shows it (ISO dates). */
export interface LineLotView {
  lot_no: string;
  manufactured_on: string;
  expires_on: string;
  quantity: number;
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
  /** The lots a finalized line of a medicine was sold from (earliest expiry first); [] otherwise. */
  lots: LineLotView[];
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

export const TX_COLUMNS = `id, store_id, terminal_id, cashier_id, status, currency, subtotal_minor, discount_minor, tax_minor,
  total_minor, item_count, refunded_minor, customer_ref, next_line_no, created_at, finalized_at, voided_at, void_reason,
  prescription_code, version`;
// A line's sold lots, in the key order of lotView (lots.ts) so a GET matches the finalize answer byte for byte.
const LINE_LOTS = `(SELECT coalesce(json_agg(json_build_object('lot_no', x.lot_no,
    'manufactured_on', to_char(x.manufactured_on, 'YYYY-MM-DD'), 'expires_on', to_char(x.expires_on, 'YYYY-MM-DD'),
    'quantity', x.quantity) ORDER BY x.expires_on, x.lot_no), '[]')
  FROM line_item_lots x WHERE x.transaction_id = line_items.transaction_id AND x.line_no = line_items.line_no)`;
const LINE_COLUMNS = `line_no, sku, barcode, product_name, category, quantity, unit_price_minor, discount_minor,
  tax_rate_bp, tax_minor, line_total_minor, refunded_quantity, ${LINE_LOTS} AS lots`;
export const PAYMENT_COLUMNS = `id, transaction_id, terminal_id, cashier_id, method, status, amount_minor, currency,
  tendered_minor, change_minor, provider_ref, qr_payload, expires_at, failure_reason, created_at, settled_at`;

/**
 * Loads and row-locks a transaction: everything that changes a sale under a lock starts here, so
 * concurrent requests for one sale run one after the other and see each other's results. The lock
 * is an UPDATE that bumps the sale's version, so a checkout request that read the sale before it
 * (guarded-write.ts) finds it changed and reads again.
 */
export async function lockTransaction(
  client: pg.ClientBase,
  storeId: string,
  id: string,
  /** The row as already locked by the request's idempotency claim (null: not found), if it was. */
  alreadyLocked?: TxRow | null,
): Promise<TxRow> {
  if (alreadyLocked !== undefined) {
    if (!alreadyLocked) throw new Refusal('TRANSACTION_NOT_FOUND', `no transaction ${id}`, 'id');
    return alreadyLocked;
  }
  const { rows } = await client.query<TxRow>({
    name: 'se_lock_transaction',
    text: `UPDATE transactions SET version = version + 1 WHERE store_id = $1 AND id = $2 RETURNING ${TX_COLUMNS}`,
    values: [storeId, id],
  });
  if (!rows[0]) throw new Refusal('TRANSACTION_NOT_FOUND', `no transaction ${id}`, 'id');
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
  if (!rows[0]) throw new Refusal('TRANSACTION_NOT_FOUND', `no transaction ${id}`, 'id');
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

/** What opening a sale writes; the database fills in the rest (defaults). */
export type NewTransaction = Pick<
  TxRow,
  'id' | 'store_id' | 'terminal_id' | 'cashier_id' | 'currency' | 'customer_ref'
>;

// Money columns travel as text inside JSON (a double cannot hold every bigint), timestamps as their
// text form so they go through the same parser as a plain column and come out as identical Dates.
const LINE_JSON = `json_build_object('line_no', line_no, 'sku', sku, 'barcode', barcode,
  'product_name', product_name, 'category', category, 'quantity', quantity,
  'unit_price_minor', unit_price_minor::text, 'discount_minor', discount_minor::text,
  'tax_rate_bp', tax_rate_bp, 'tax_minor', tax_minor::text, 'line_total_minor', line_total_minor::text,
  'refunded_quantity', refunded_quantity, 'lots', ${LINE_LOTS})`;
const PAYMENT_JSON = `json_build_object('id', id, 'transaction_id', transaction_id, 'terminal_id', terminal_id,
  'cashier_id', cashier_id, 'method', method, 'status', status, 'amount_minor', amount_minor::text,
  'currency', currency, 'tendered_minor', tendered_minor::text, 'change_minor', change_minor::text,
  'provider_ref', provider_ref, 'qr_payload', qr_payload, 'expires_at', expires_at::text,
  'failure_reason', failure_reason, 'created_at', created_at::text, 'settled_at', settled_at::text)`;
const CATALOG_JSON = `json_build_object('sku', sku, 'barcode', barcode, 'name', name, 'category', category,
  'brand', brand, 'price_minor', price_minor::text, 'tax_rate_bp', tax_rate_bp, 'active', active, 'drug', drug)`;

const parseTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (v: string) => Date;
const big = (v: string | null): bigint | null => (v === null ? null : BigInt(v));
const date = (v: string | null): Date | null => (v === null ? null : parseTimestamptz(v));

type Json<T> = {
  [K in keyof T]: T[K] extends bigint
    ? string
    : T[K] extends bigint | null
      ? string | null
      : T[K] extends Date
        ? string
        : T[K] extends Date | null
          ? string | null
          : T[K];
};

function lineFromJson(l: Json<LineRow>): LineRow {
  return {
    ...l,
    unit_price_minor: BigInt(l.unit_price_minor),
    discount_minor: BigInt(l.discount_minor),
    tax_minor: BigInt(l.tax_minor),
    line_total_minor: BigInt(l.line_total_minor),
  };
}

function paymentFromJson(p: Json<PaymentRow>): PaymentRow {
  return {
    ...p,
    amount_minor: BigInt(p.amount_minor),
    tendered_minor: big(p.tendered_minor),
    change_minor: big(p.change_minor),
    expires_at: date(p.expires_at),
    created_at: parseTimestamptz(p.created_at),
    settled_at: date(p.settled_at),
  };
}

export interface SaleContents {
  lines: LineRow[];
  payments: PaymentRow[];
  /** The catalogue entry of the barcode asked for, if any (add item looks it up in the same round trip). */
  product: CatalogItem | undefined;
  /** The lines' SKUs that are lot-tracked (medicines), so finalize takes lots only when there are any. */
  lotSkus: string[];
}

/** The JSON columns of SALE_CONTENTS, as they arrive. */
export interface SaleContentsRow {
  lines: Json<LineRow>[];
  payments: Json<PaymentRow>[];
  product: Json<CatalogItem> | null;
  lot_skus: string[];
}

/**
 * The select-list of a sale's contents, parameters $1 (the sale) and $2 (a barcode or null): its
 * lines (by line_no) and payments (by created_at, id) — the same rows and order as loadLines and
 * loadPayments — the scanned catalogue entry and the lines' lot-tracked SKUs. Also read by the
 * checkout's one read statement (sale-snapshot.ts), parameters shifted.
 */
export const SALE_CONTENTS = `
      (SELECT coalesce(json_agg(${LINE_JSON} ORDER BY line_no), '[]') FROM line_items WHERE transaction_id = $1) AS lines,
      (SELECT coalesce(json_agg(${PAYMENT_JSON} ORDER BY created_at, id), '[]') FROM payments WHERE transaction_id = $1) AS payments,
      (SELECT ${CATALOG_JSON} FROM local_catalog WHERE barcode = $2) AS product,
      (SELECT coalesce(json_agg(c.sku ORDER BY c.sku), '[]') FROM line_items li JOIN local_catalog c ON c.sku = li.sku
        WHERE li.transaction_id = $1 AND c.drug IS NOT NULL) AS lot_skus`;

export function parseSaleContents(row: SaleContentsRow): SaleContents {
  return {
    lines: row.lines.map(lineFromJson),
    payments: row.payments.map(paymentFromJson),
    product: row.product ? { ...row.product, price_minor: BigInt(row.product.price_minor) } : undefined,
    lotSkus: row.lot_skus,
  };
}

/**
 * A sale's contents (SALE_CONTENTS) in one round trip. Run it after lockTransaction, in a
 * statement of its own, so it sees everything committed before the lock.
 */
export async function loadSaleContents(
  db: pg.ClientBase | pg.Pool,
  txId: string,
  barcode: string | null = null,
): Promise<SaleContents> {
  const { rows } = await db.query<SaleContentsRow>({
    name: 'se_load_sale_contents',
    text: `SELECT ${SALE_CONTENTS}`,
    values: [txId, barcode],
  });
  return parseSaleContents(rows[0]!);
}

export async function markVoided(
  client: pg.ClientBase,
  txId: string,
  status: TxStatus,
  reason: string,
  cashierId: string,
): Promise<void> {
  await client.query(
    `UPDATE transactions SET status = $2, voided_at = now(), void_reason = $3, voided_by_cashier_id = $4, updated_at = now()
     WHERE id = $1`,
    [txId, status, reason, cashierId],
  );
}
