import pg from 'pg';
import type { Totals } from '../checkout-math.ts';
import type { PaymentMethod, PaymentStatus } from '../payment-state.ts';
import { Refusal } from '../refusal.ts';
import type { TxStatus } from '../transaction-state.ts';
import type { CatalogItem } from './catalog-repo.ts';
import type { SqlWrite } from './sql-write.ts';

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
  prescription_code`;
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
 * Loads and row-locks a transaction: everything that changes a sale starts here, so concurrent
 * requests for one sale run one after the other and see each other's results.
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
    text: `SELECT ${TX_COLUMNS} FROM transactions WHERE store_id = $1 AND id = $2 FOR UPDATE`,
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

/** What opening a sale writes; the database fills in the rest (defaults, created_at). */
export type NewTransaction = Pick<
  TxRow,
  'id' | 'store_id' | 'terminal_id' | 'cashier_id' | 'currency' | 'customer_ref'
>;

/** The INSERT of a new sale with parameters $1…$6 (newTransactionValues), returning the row as stored. */
const INSERT_TRANSACTION = `INSERT INTO transactions (id, store_id, terminal_id, cashier_id, currency, customer_ref)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${TX_COLUMNS}`;

/** The columns of INSERT_TRANSACTION (and of the open claim statement, idempotency-repo.ts), in order. */
export function newTransactionValues(tx: NewTransaction): unknown[] {
  return [tx.id, tx.store_id, tx.terminal_id, tx.cashier_id, tx.currency, tx.customer_ref];
}

/** Inserts a new sale and returns its row as stored (defaults and created_at included). */
export async function insertTransaction(client: pg.ClientBase, tx: NewTransaction): Promise<TxRow> {
  const { rows } = await client.query<TxRow>({
    name: 'se_insert_transaction',
    text: INSERT_TRANSACTION,
    values: newTransactionValues(tx),
  });
  return rows[0]!;
}

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

const CONTENTS = `
      (SELECT coalesce(json_agg(${LINE_JSON} ORDER BY line_no), '[]') FROM line_items WHERE transaction_id = $1) AS lines,
      (SELECT coalesce(json_agg(${PAYMENT_JSON} ORDER BY created_at, id), '[]') FROM payments WHERE transaction_id = $1) AS payments,
      (SELECT ${CATALOG_JSON} FROM local_catalog WHERE barcode = $2) AS product,
      (SELECT coalesce(json_agg(c.sku ORDER BY c.sku), '[]') FROM line_items li JOIN local_catalog c ON c.sku = li.sku
        WHERE li.transaction_id = $1 AND c.drug IS NOT NULL) AS lot_skus`;
// Finalize: the lines' units leave local_inventory in the same round trip, merged per SKU and in SKU
// order like applyStockDeltas (inventory-repo.ts, the lock order of every writer). ON CONFLICT DO
// UPDATE works on the latest row version, so on_hand is right even after waiting for another sale.
const SELL = `WITH sold AS (
      INSERT INTO local_inventory AS inv (store_id, sku, on_hand)
      SELECT $3, li.sku, -sum(li.quantity)::int FROM line_items li WHERE li.transaction_id = $1
       GROUP BY li.sku ORDER BY li.sku
      ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = inv.on_hand + EXCLUDED.on_hand, updated_at = now()
      RETURNING inv.sku, inv.on_hand
    ) SELECT ${CONTENTS},
      (SELECT coalesce(json_agg(json_build_object('sku', sku, 'on_hand', on_hand)), '[]') FROM sold) AS sold`;

/**
 * A sale's lines (by line_no) and payments (by created_at, id) — the same rows and order as
 * loadLines and loadPayments — plus optionally one catalogue entry, in one round trip. Run it after
 * lockTransaction, in a statement of its own, so it sees everything committed before the lock.
 * With `sellFrom` (the store id, finalize only) the lines' units also leave local_inventory in the
 * same statement, and `sold` says what each SKU's on_hand became; a refusal after it rolls it back.
 */
export async function loadSaleContents(
  db: pg.ClientBase | pg.Pool,
  txId: string,
  barcode: string | null = null,
  sellFrom?: string,
): Promise<SaleContents & { sold: Map<string, number> }> {
  const { rows } = await db.query<{
    lines: Json<LineRow>[];
    payments: Json<PaymentRow>[];
    product: Json<CatalogItem> | null;
    lot_skus: string[];
    sold?: { sku: string; on_hand: number }[];
  }>(
    sellFrom === undefined
      ? { name: 'se_load_sale_contents', text: `SELECT ${CONTENTS}`, values: [txId, barcode] }
      : { name: 'se_load_sale_contents_sell', text: SELL, values: [txId, barcode, sellFrom] },
  );
  const row = rows[0]!;
  return {
    lines: row.lines.map(lineFromJson),
    payments: row.payments.map(paymentFromJson),
    product: row.product ? { ...row.product, price_minor: BigInt(row.product.price_minor) } : undefined,
    lotSkus: row.lot_skus,
    sold: new Map((row.sold ?? []).map((s) => [s.sku, s.on_hand])),
  };
}

const UPSERT_LINE = `INSERT INTO line_items (transaction_id, line_no, store_id, sku, barcode, product_name, category,
     quantity, unit_price_minor, discount_minor, tax_rate_bp, tax_minor, line_total_minor)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
   ON CONFLICT (transaction_id, line_no) DO UPDATE SET quantity = EXCLUDED.quantity,
     discount_minor = EXCLUDED.discount_minor, tax_minor = EXCLUDED.tax_minor,
     line_total_minor = EXCLUDED.line_total_minor, updated_at = now()`;

/**
 * One line change (insert/update or delete) and the sale's new totals and next line number, as
 * last writes (see SqlWrite). The caller holds the sale's row lock (lockTransaction).
 */
export function lineEditWrites(
  tx: Pick<TxRow, 'id' | 'store_id'>,
  change: { upsert: LineRow } | { remove: number },
  totals: Totals,
  nextLineNo: number,
): SqlWrite[] {
  const totalsWrite: SqlWrite = {
    name: 'totals',
    text: `UPDATE transactions SET subtotal_minor = $2, discount_minor = $3, tax_minor = $4, total_minor = $5,
     item_count = $6, next_line_no = $7, updated_at = now() WHERE id = $1`,
    values: [
      tx.id,
      totals.subtotal_minor,
      totals.discount_minor,
      totals.tax_minor,
      totals.total_minor,
      totals.item_count,
      nextLineNo,
    ],
  };
  if ('remove' in change) {
    return [
      {
        name: 'line_del',
        text: 'DELETE FROM line_items WHERE transaction_id = $1 AND line_no = $2',
        values: [tx.id, change.remove],
      },
      totalsWrite,
    ];
  }
  const line = change.upsert;
  const lineWrite: SqlWrite = {
    name: 'line_up',
    text: UPSERT_LINE,
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
  return [lineWrite, totalsWrite];
}

/** The sale turns PAID (finalized now) as a last write, in the statement that records SaleRecorded. */
export function finalizeWrite(
  txId: string,
  status: TxStatus,
  customerRef: string | null,
  terminalId: string,
  prescriptionCode: string | null = null,
): SqlWrite {
  return {
    name: 'finalize',
    text: `UPDATE transactions SET status = $1, customer_ref = $2, finalized_at = now(), finalized_by_terminal_id = $3,
     prescription_code = $5, updated_at = now() WHERE id = $4`,
    values: [status, customerRef, terminalId, txId, prescriptionCode],
  };
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
