import type cassandra from 'cassandra-driver';
import { toCassandraError } from './cassandra-errors.ts';

/**
 * Read helpers over the projections, for tests, the end-to-end checker and APIs. Amounts come back
 * as numbers (integer minor units; exact below 2^53). The client must be created with
 * createCassandraClient (BigInt longs).
 */

export interface InventoryRow {
  sku: string;
  onHand: number;
  lastStoreSeq: number;
  updatedAt: number;
}

export interface PaymentSummary {
  paymentId: string;
  method: string;
  amountMinor: number;
  status: string;
  storeSeq: number;
}

export interface DaySale {
  transactionId: string;
  occurredAt: number;
  terminalId: string | null;
  cashierId: string | null;
  currency: string | null;
  totalMinor: number | null;
  itemCount: number | null;
  status: string | null;
  payments: PaymentSummary[];
  /** Sum of the refunds (one entry per refund_id). */
  refundedMinor: number;
  saleSeq: number | null;
}

export interface TransactionLine {
  lineNo: number;
  sku: string;
  productName: string;
  category: string;
  quantity: number;
  unitPriceMinor: number;
  discountMinor: number;
  taxMinor: number;
  lineTotalMinor: number;
}

export interface TransactionView {
  transactionId: string;
  storeId: string;
  /** Store-local day, YYYY-MM-DD; null until the sale itself was projected. */
  day: string | null;
  occurredAt: number | null;
  terminalId: string | null;
  cashierId: string | null;
  currency: string | null;
  subtotalMinor: number | null;
  discountMinor: number | null;
  taxMinor: number | null;
  totalMinor: number | null;
  itemCount: number | null;
  lines: TransactionLine[];
  /** PAID, VOIDED, or null while only payments of a not yet recorded sale are known. */
  status: string | null;
  voidedAt: number | null;
  voidReason: string | null;
  payments: PaymentSummary[];
  refunds: Record<string, number>;
  refundedMinor: number;
  saleSeq: number | null;
  lastStoreSeq: number | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const time = (v: unknown): number | null => (v instanceof Date ? v.getTime() : null);

async function run(client: cassandra.Client, cql: string, params: unknown[]): Promise<cassandra.types.Row[]> {
  try {
    const rows: cassandra.types.Row[] = [];
    let pageState: string | undefined;
    do {
      const rs = await client.execute(cql, params, { prepare: true, fetchSize: 2_000, pageState });
      rows.push(...rs.rows);
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return rows;
  } catch (err) {
    throw toCassandraError(err, 'query');
  }
}

function payments(v: unknown): PaymentSummary[] {
  const out: PaymentSummary[] = [];
  for (const [paymentId, p] of Object.entries((v as Record<string, Record<string, unknown>> | null) ?? {})) {
    out.push({
      paymentId,
      method: String(p.method),
      amountMinor: Number(p.amount_minor),
      status: String(p.status),
      storeSeq: Number(p.store_seq),
    });
  }
  return out.sort((a, b) => a.storeSeq - b.storeSeq);
}

function refunds(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, amount] of Object.entries((v as Record<string, bigint> | null) ?? {}))
    out[id] = Number(amount);
  return out;
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((s, n) => s + n, 0);

export async function inventoryOfStore(
  client: cassandra.Client,
  keyspace: string,
  storeId: string,
): Promise<InventoryRow[]> {
  const rows = await run(
    client,
    `SELECT sku, on_hand, last_store_seq, updated_at FROM ${keyspace}.inventory_by_store WHERE store_id = ?`,
    [storeId],
  );
  return rows.map((r) => ({
    sku: r.get('sku') as string,
    onHand: r.get('on_hand') as number,
    lastStoreSeq: Number(r.get('last_store_seq')),
    updatedAt: time(r.get('updated_at')) ?? 0,
  }));
}

/** Sales of a store on a store-local day (YYYY-MM-DD), in time order. */
export async function salesOfStoreDay(
  client: cassandra.Client,
  keyspace: string,
  storeId: string,
  day: string,
): Promise<DaySale[]> {
  const rows = await run(
    client,
    `SELECT transaction_id, occurred_at, terminal_id, cashier_id, currency, total_minor, item_count, status, ` +
      `payments, refunds, sale_seq FROM ${keyspace}.sales_by_store_day WHERE store_id = ? AND day = ?`,
    [storeId, day],
  );
  return rows.map((r) => {
    const refundMap = refunds(r.get('refunds'));
    return {
      transactionId: r.get('transaction_id') as string,
      occurredAt: time(r.get('occurred_at')) ?? 0,
      terminalId: (r.get('terminal_id') as string | null) ?? null,
      cashierId: (r.get('cashier_id') as string | null) ?? null,
      currency: (r.get('currency') as string | null) ?? null,
      totalMinor: num(r.get('total_minor')),
      itemCount: num(r.get('item_count')),
      status: (r.get('status') as string | null) ?? null,
      payments: payments(r.get('payments')),
      refundedMinor: sum(refundMap),
      saleSeq: num(r.get('sale_seq')),
    };
  });
}

/**
 * One store's transaction (transaction_by_id_and_store is keyed by transaction id and store: the
 * store's own events only ever write its own row).
 */
export async function transactionById(
  client: cassandra.Client,
  keyspace: string,
  transactionId: string,
  storeId: string,
): Promise<TransactionView | undefined> {
  const [r] = await run(
    client,
    `SELECT * FROM ${keyspace}.transaction_by_id_and_store WHERE transaction_id = ? AND store_id = ?`,
    [transactionId, storeId],
  );
  return r ? transactionView(r) : undefined;
}

/**
 * Every store's row for a transaction id, by store id: for a caller holding only the id (a
 * receipt). Normally one; more means another store used the id too (the sink counts it in
 * retail_sink_shared_transaction_ids_total), and each row holds only that store's events.
 */
export async function transactionsById(
  client: cassandra.Client,
  keyspace: string,
  transactionId: string,
): Promise<TransactionView[]> {
  const rows = await run(
    client,
    `SELECT * FROM ${keyspace}.transaction_by_id_and_store WHERE transaction_id = ?`,
    [transactionId],
  );
  return rows.map(transactionView);
}

function transactionView(r: cassandra.types.Row): TransactionView {
  const refundMap = refunds(r.get('refunds'));
  const day = r.get('day') as cassandra.types.LocalDate | null;
  return {
    transactionId: r.get('transaction_id') as string,
    storeId: r.get('store_id') as string,
    day: day ? day.toString() : null,
    occurredAt: time(r.get('occurred_at')),
    terminalId: (r.get('terminal_id') as string | null) ?? null,
    cashierId: (r.get('cashier_id') as string | null) ?? null,
    currency: (r.get('currency') as string | null) ?? null,
    subtotalMinor: num(r.get('subtotal_minor')),
    discountMinor: num(r.get('discount_minor')),
    taxMinor: num(r.get('tax_minor')),
    totalMinor: num(r.get('total_minor')),
    itemCount: num(r.get('item_count')),
    lines: ((r.get('lines') as Record<string, unknown>[] | null) ?? []).map((l) => ({
      lineNo: Number(l.line_no),
      sku: String(l.sku),
      productName: String(l.product_name),
      category: String(l.category),
      quantity: Number(l.quantity),
      unitPriceMinor: Number(l.unit_price_minor),
      discountMinor: Number(l.discount_minor),
      taxMinor: Number(l.tax_minor),
      lineTotalMinor: Number(l.line_total_minor),
    })),
    status: (r.get('status') as string | null) ?? null,
    voidedAt: time(r.get('voided_at')),
    voidReason: (r.get('void_reason') as string | null) ?? null,
    payments: payments(r.get('payments')),
    refunds: refundMap,
    refundedMinor: sum(refundMap),
    saleSeq: num(r.get('sale_seq')),
    lastStoreSeq: num(r.get('last_store_seq')),
  };
}
