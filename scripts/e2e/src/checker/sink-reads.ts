import type { ClickHouseClient } from '@clickhouse/client';
import type cassandra from 'cassandra-driver';
import pg from 'pg';
import { sqlString } from '@retail-stream/runtime';
import { storeDatabaseUrl } from '@retail-stream/store-edge';
import { inventoryMovementSums } from '@retail-stream/clickhouse-sink';
import {
  inventoryOfStore,
  salesOfStoreDay,
  transactionById,
  type TransactionView,
} from '@retail-stream/cassandra-sink';
import type { InboxSeqStats } from './seq-completeness.ts';
import type { StockRow } from './inventory-compare.ts';
import type { KpiRow } from './kpi-compare.ts';

/**
 * The checker's reads of every sink and of the stores' own databases. SQL and CQL take values as
 * parameters; identifiers (schema, database, keyspace) are validated before they are inlined, and
 * ClickHouse 18.16 literals go through sqlString().
 */

const PG_IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
const CH_IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const CQL_IDENT = /^[a-z_][a-z0-9_]{0,47}$/;

export function checkIdentifier(kind: 'pg' | 'ch' | 'cql', name: string): string {
  const re = kind === 'pg' ? PG_IDENT : kind === 'ch' ? CH_IDENT : CQL_IDENT;
  if (!re.test(name)) throw new RangeError(`invalid ${kind} identifier '${name}'`);
  return name;
}

const n = (v: unknown): number => Number(v);

// ---------- Postgres HQ ----------

export interface HqTransaction {
  store_id: string;
  transaction_id: string;
  total_minor: number | null;
  currency: string | null;
  status: string;
  refunded_minor: number;
  refund_count: number;
}

export async function hqTransactions(
  db: pg.ClientBase,
  schema: string,
  storeIds: string[],
  sinceIso: string,
): Promise<HqTransaction[]> {
  const s = checkIdentifier('pg', schema);
  const { rows } = await db.query(
    `SELECT store_id, transaction_id, total_minor, currency, status, refunded_minor, refund_count
       FROM "${s}".hq_transactions
      WHERE store_id = ANY($1) AND (occurred_at IS NULL OR occurred_at >= $2)`,
    [storeIds, sinceIso],
  );
  return rows.map((r) => ({
    store_id: r.store_id,
    transaction_id: r.transaction_id,
    total_minor: r.total_minor === null ? null : n(r.total_minor),
    currency: r.currency,
    status: r.status,
    refunded_minor: n(r.refunded_minor),
    refund_count: n(r.refund_count),
  }));
}

export async function hqRefunds(
  db: pg.ClientBase,
  schema: string,
  storeIds: string[],
  sinceIso: string,
): Promise<{ refund_id: string; transaction_id: string; amount_minor: number }[]> {
  const s = checkIdentifier('pg', schema);
  const { rows } = await db.query(
    `SELECT refund_id, transaction_id, amount_minor FROM "${s}".hq_refunds
      WHERE store_id = ANY($1) AND occurred_at >= $2`,
    [storeIds, sinceIso],
  );
  return rows.map((r) => ({
    refund_id: r.refund_id,
    transaction_id: r.transaction_id,
    amount_minor: n(r.amount_minor),
  }));
}

export async function hqInventory(
  db: pg.ClientBase,
  schema: string,
  storeIds: string[],
): Promise<StockRow[]> {
  const s = checkIdentifier('pg', schema);
  const { rows } = await db.query(
    `SELECT store_id, sku, on_hand FROM "${s}".hq_inventory WHERE store_id = ANY($1)`,
    [storeIds],
  );
  return rows.map((r) => ({ store_id: r.store_id, sku: r.sku, on_hand: n(r.on_hand) }));
}

export async function hqInboxStats(
  db: pg.ClientBase,
  schema: string,
  storeIds: string[],
): Promise<InboxSeqStats[]> {
  const s = checkIdentifier('pg', schema);
  const { rows } = await db.query(
    `SELECT store_id, count(*) AS rows, count(DISTINCT store_seq) AS distinct_seqs,
            min(store_seq) AS min_seq, max(store_seq) AS max_seq
       FROM "${s}".hq_inbox WHERE store_id = ANY($1) GROUP BY store_id`,
    [storeIds],
  );
  return rows.map((r) => ({
    store_id: r.store_id,
    rows: n(r.rows),
    distinct_seqs: n(r.distinct_seqs),
    min_seq: n(r.min_seq),
    max_seq: n(r.max_seq),
  }));
}

export async function hqDailyKpis(db: pg.ClientBase, schema: string): Promise<KpiRow[]> {
  const s = checkIdentifier('pg', schema);
  const { rows } = await db.query(
    `SELECT scope, (extract(epoch FROM window_start) * 1000)::bigint AS start_ms,
            (extract(epoch FROM window_end) * 1000)::bigint AS end_ms, gmv_minor, orders
       FROM "${s}".kpi_windows WHERE window_size = 'D1_LOCAL'`,
  );
  return rows.map((r) => ({
    scope: r.scope,
    window_start_ms: n(r.start_ms),
    window_end_ms: n(r.end_ms),
    gmv_minor: n(r.gmv_minor),
    orders: n(r.orders),
  }));
}

/** Events HQ applied and the latest KPI arrival: the "counts stable" signal while draining. */
export async function hqProgress(db: pg.ClientBase, schema: string, storeIds: string[]): Promise<string> {
  const s = checkIdentifier('pg', schema);
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM "${s}".hq_inbox WHERE store_id = ANY($1)) AS inbox,
            (SELECT max(received_at) FROM "${s}".kpi_windows) AS kpi`,
    [storeIds],
  );
  return `${rows[0].inbox}|${rows[0].kpi?.toISOString?.() ?? ''}`;
}

// ---------- Store edges ----------

export interface StoreEdgeState {
  store_id: string;
  lastSeq: number;
  unpublished: number;
  inventory: StockRow[];
  /** SKUs named by the store's outbox stock changes. */
  movedSkus: string[];
}

export async function storeEdgeState(
  adminUrl: string,
  storeId: string,
  withStock = true,
): Promise<StoreEdgeState> {
  const db = new pg.Client({ connectionString: storeDatabaseUrl(adminUrl, storeId) });
  await db.connect();
  try {
    const seq = await db.query(
      `SELECT coalesce(max(store_seq), 0) AS last, count(*) FILTER (WHERE published_at IS NULL) AS unpublished
         FROM outbox WHERE store_id = $1`,
      [storeId],
    );
    const state: StoreEdgeState = {
      store_id: storeId,
      lastSeq: n(seq.rows[0].last),
      unpublished: n(seq.rows[0].unpublished),
      inventory: [],
      movedSkus: [],
    };
    if (!withStock) return state;
    const inv = await db.query(`SELECT store_id, sku, on_hand FROM local_inventory WHERE store_id = $1`, [
      storeId,
    ]);
    state.inventory = inv.rows.map((r) => ({ store_id: r.store_id, sku: r.sku, on_hand: n(r.on_hand) }));
    const moved = await db.query(
      `SELECT DISTINCT c->>'sku' AS sku
         FROM outbox, jsonb_array_elements(coalesce(payload->'stock', '[]'::jsonb)) AS c
        WHERE store_id = $1`,
      [storeId],
    );
    state.movedSkus = moved.rows.map((r) => r.sku as string);
    return state;
  } finally {
    await db.end();
  }
}

// ---------- ClickHouse ----------

async function chRows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  const rs = await client.query({
    query,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return rs.json<T>();
}

const inList = (ids: string[]) => (ids.length === 0 ? "('')" : `(${ids.map(sqlString).join(', ')})`);

export function chSales(client: ClickHouseClient, storeIds: string[], sinceMs: number) {
  return chRows<{ transaction_id: string; store_id: string; total_minor: number; currency: string }>(
    client,
    `SELECT transaction_id, store_id, total_minor, currency FROM sales FINAL
      WHERE store_id IN ${inList(storeIds)} AND occurred_at_ms >= ${Math.trunc(sinceMs)}`,
  );
}

export function chVoids(client: ClickHouseClient, storeIds: string[], sinceMs: number) {
  return chRows<{ transaction_id: string; store_id: string; was_paid: number; total_minor: number }>(
    client,
    `SELECT transaction_id, store_id, was_paid, total_minor FROM voids FINAL
      WHERE store_id IN ${inList(storeIds)} AND occurred_at_ms >= ${Math.trunc(sinceMs)}`,
  );
}

export function chRefunds(client: ClickHouseClient, storeIds: string[], sinceMs: number) {
  return chRows<{ refund_id: string; transaction_id: string; amount_minor: number }>(
    client,
    `SELECT refund_id, transaction_id, amount_minor FROM refunds FINAL
      WHERE store_id IN ${inList(storeIds)} AND occurred_at_ms >= ${Math.trunc(sinceMs)}`,
  );
}

export async function chInventory(client: ClickHouseClient, storeIds: string[]): Promise<StockRow[]> {
  const sums = await inventoryMovementSums(client, { storeIds });
  return sums.map((r) => ({ store_id: r.store_id, sku: r.sku, on_hand: r.last_on_hand }));
}

export async function chProgress(client: ClickHouseClient, storeIds: string[]): Promise<string> {
  const [r] = await chRows<{ n: number }>(
    client,
    `SELECT count() AS n FROM sales WHERE store_id IN ${inList(storeIds)}`,
  );
  return String(r?.n ?? 0);
}

// ---------- Cassandra ----------

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The ledger's sales as Cassandra holds them: each read by transaction id AND its ledger store
 * (transaction_by_id_and_store is keyed by both; another store's row for the same id is that
 * store's, not this sale's).
 */
export async function cassTransactions(
  client: cassandra.Client,
  keyspace: string,
  sales: { id: string; store: string }[],
): Promise<{ id: string; view: TransactionView | undefined }[]> {
  const ks = checkIdentifier('cql', keyspace);
  return mapLimit(sales, 32, async ({ id, store }) => ({
    id,
    view: await transactionById(client, ks, id, store),
  }));
}

export async function cassSalesByDay(
  client: cassandra.Client,
  keyspace: string,
  storeDays: { store_id: string; day: string }[],
) {
  const ks = checkIdentifier('cql', keyspace);
  const lists = await mapLimit(storeDays, 8, async (sd) =>
    (await salesOfStoreDay(client, ks, sd.store_id, sd.day)).map((s) => ({ ...s, store_id: sd.store_id })),
  );
  return lists.flat();
}

export async function cassInventory(
  client: cassandra.Client,
  keyspace: string,
  storeIds: string[],
): Promise<StockRow[]> {
  const ks = checkIdentifier('cql', keyspace);
  const lists = await mapLimit(storeIds, 4, async (store) =>
    (await inventoryOfStore(client, ks, store)).map((r) => ({
      store_id: store,
      sku: r.sku,
      on_hand: r.onHand,
    })),
  );
  return lists.flat();
}
