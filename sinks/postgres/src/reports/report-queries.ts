import { ValidationError } from '@retail-stream/runtime';
import { KPI_MEASURES, type KpiMeasure, type KpiMeasures } from '@retail-stream/schemas';
import type pg from 'pg';
import { decodeCursor, encodeCursor, type CursorKey } from './cursor.ts';
import type { Range } from './report-params.ts';

/**
 * The reports' SQL, parameterised only. Lists use keyset pagination: fetch limit + 1 rows after
 * the cursor's key; the extra row only says whether there is a next page.
 */

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

type Queryable = Pick<pg.Pool, 'query'>;

const isoOrNull = (v: Date | null): string | null => (v === null ? null : v.toISOString());
/** bigint and numeric come back from pg as strings; every amount here is far below 2^53. */
const num = (v: string | number | null): number => Number(v ?? 0);

function page<R, T>(
  rows: R[],
  limit: number,
  endpoint: string,
  keyOf: (r: R) => CursorKey,
  map: (r: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return {
    items: kept.map(map),
    next_cursor: more ? encodeCursor(endpoint, keyOf(kept[kept.length - 1]!)) : null,
  };
}

/**
 * The parts of a list's cursor as bind values, all null on the first page: every list's SQL reads
 * them as "after this key, or from the start". A bad cursor is a 400 before any query runs.
 */
function afterParams(
  endpoint: string,
  cursor: string | undefined,
  length: number,
): (string | number | null)[] {
  const key: CursorKey | null = cursor === undefined ? null : decodeCursor(endpoint, cursor, length);
  return Array.from({ length }, (_, i) => key?.[i] ?? null);
}

/**
 * One keyset list: the cursor it was given, read as bind values, and the page it answers with its
 * next cursor, under one endpoint tag (a cursor is only ever read by the list that wrote it).
 */
function keysetList(endpoint: string, q: { limit: number; cursor?: string }, keyLength: number) {
  return {
    /** The cursor's parts as bind values, all null on the first page. */
    after: afterParams(endpoint, q.cursor, keyLength),
    /** The LIMIT bind value: one row more than a page says whether there is a next one. */
    fetch: q.limit + 1,
    page: <R, T>(rows: R[], keyOf: (r: R) => CursorKey, map: (r: R) => T): Page<T> =>
      page(rows, q.limit, endpoint, keyOf, map),
  };
}

/** A cursor part holding a timestamp (epoch ms), bound as the timestamptz it came from. */
const atOrNull = (part: string | number | null | undefined): Date | null =>
  part === null || part === undefined ? null : new Date(Number(part));

/** A report's range and optional store, bound as $1, $2 and $3. */
const rangeParams = (q: { range: Range; storeId?: string }) => [q.range.from, q.range.to, q.storeId ?? null];

export async function assertStoreKnown(db: Queryable, storeId: string | undefined): Promise<void> {
  if (storeId === undefined) return;
  const { rowCount } = await db.query('SELECT 1 FROM stores WHERE store_id = $1', [storeId]);
  if (!rowCount) throw new ValidationError('UNKNOWN_STORE', `store ${storeId} has no events at HQ`);
}

interface StoreDbRow {
  store_id: string;
  name: string | null;
  region: string | null;
  timezone: string | null;
  currency: string | null;
  last_event_at: Date | null;
  last_store_seq: string;
  events_total: string;
}

export async function listStores(db: Queryable, q: { limit: number; cursor?: string }) {
  const list = keysetList('stores', q, 1);
  const { rows } = await db.query<StoreDbRow>(
    `SELECT store_id, name, region, timezone, currency, last_event_at, last_store_seq, events_total
       FROM stores WHERE ($1::text IS NULL OR store_id > $1) ORDER BY store_id LIMIT $2`,
    [...list.after, list.fetch],
  );
  return list.page(
    rows,
    (r) => [r.store_id],
    (r) => ({
      store_id: r.store_id,
      name: r.name,
      region: r.region,
      timezone: r.timezone,
      currency: r.currency,
      last_event_at: isoOrNull(r.last_event_at),
      last_store_seq: num(r.last_store_seq),
      events_total: num(r.events_total),
    }),
  );
}

export async function status(db: Queryable, now = new Date()) {
  const { rows } = await db.query<{
    last_event_received_at: Date | null;
    last_kpi_updated_at: Date | null;
    stores_total: string;
    events_total: string;
  }>(
    `SELECT (SELECT max(last_received_at) FROM stores) AS last_event_received_at,
            (SELECT max(updated_at) FROM kpi_windows) AS last_kpi_updated_at,
            (SELECT count(*) FROM stores) AS stores_total,
            (SELECT COALESCE(sum(events_total), 0) FROM stores) AS events_total`,
  );
  const r = rows[0]!;
  return {
    as_of: now.toISOString(),
    last_event_received_at: isoOrNull(r.last_event_received_at),
    last_kpi_updated_at: isoOrNull(r.last_kpi_updated_at),
    stores_total: num(r.stores_total),
    events_total: num(r.events_total),
  };
}

interface SalesDbRow {
  store_id: string;
  bucket_start: Date;
  orders: string;
  items: string;
  gross_minor: string;
  refunds_minor: string;
  voids_minor: string;
  currency: string;
}

/**
 * Sales per store and bucket in event time: sales count at the sale's time, refunds and voids at
 * their own time (as the KPI windows count them). Hour buckets are UTC hours; day buckets are the
 * store's local days (UTC when the store's time zone is unknown).
 */
export async function salesReport(
  db: Queryable,
  q: { storeId?: string; range: Range; granularity: 'hour' | 'day'; limit: number; cursor?: string },
) {
  const list = keysetList('sales', q, 3);
  const [at, store, currency] = list.after;
  const { rows } = await db.query<SalesDbRow>(
    `WITH facts AS (
       SELECT store_id, currency, occurred_at AS at, 1 AS orders, item_count AS items,
              total_minor AS gross, 0::bigint AS refunds, 0::bigint AS voids
         FROM hq_transactions
        WHERE sale_event_id IS NOT NULL AND occurred_at >= $1 AND occurred_at < $2
          AND ($3::text IS NULL OR store_id = $3)
       UNION ALL
       SELECT store_id, currency, occurred_at, 0, 0, 0, amount_minor, 0
         FROM hq_refunds
        WHERE occurred_at >= $1 AND occurred_at < $2 AND ($3::text IS NULL OR store_id = $3)
       UNION ALL
       SELECT store_id, currency, voided_at, 0, 0, 0, 0, voided_minor
         FROM hq_transactions
        WHERE voided_at >= $1 AND voided_at < $2 AND ($3::text IS NULL OR store_id = $3)
     ), bucketed AS (
       SELECT f.store_id, f.currency, f.orders, f.items, f.gross, f.refunds, f.voids,
              CASE WHEN $4 = 'hour'
                   THEN date_trunc('hour', f.at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                   ELSE date_trunc('day', f.at AT TIME ZONE COALESCE(s.timezone, 'UTC'))
                          AT TIME ZONE COALESCE(s.timezone, 'UTC')
              END AS bucket_start
         FROM facts f LEFT JOIN stores s ON s.store_id = f.store_id
     )
     SELECT store_id, bucket_start, sum(orders) AS orders, sum(items) AS items, sum(gross) AS gross_minor,
            sum(refunds) AS refunds_minor, sum(voids) AS voids_minor, currency
       FROM bucketed
      GROUP BY store_id, bucket_start, currency
     HAVING $5::timestamptz IS NULL OR (bucket_start, store_id, currency) > ($5::timestamptz, $6::text, $7::text)
      ORDER BY bucket_start, store_id, currency
      LIMIT $8`,
    [...rangeParams(q), q.granularity, atOrNull(at), store, currency, list.fetch],
  );
  return list.page(
    rows,
    (r) => [r.bucket_start.getTime(), r.store_id, r.currency],
    (r) => {
      const gross = num(r.gross_minor);
      const refunds = num(r.refunds_minor);
      const voids = num(r.voids_minor);
      return {
        store_id: r.store_id,
        bucket_start: r.bucket_start.toISOString(),
        orders: num(r.orders),
        items: num(r.items),
        gross_minor: gross,
        refunds_minor: refunds,
        voids_minor: voids,
        net_minor: gross - refunds - voids,
        currency: r.currency,
      };
    },
  );
}

interface TopDbRow {
  sku: string;
  product_name: string;
  category: string | null;
  quantity: string;
  net_minor: string;
  currency: string;
}

/** Best sellers by net amount: lines of sales not voided, minus refunded lines, in the range. */
export async function topProducts(
  db: Queryable,
  q: { storeId?: string; range: Range; limit: number; cursor?: string },
) {
  const list = keysetList('top-products', q, 3);
  const { rows } = await db.query<TopDbRow>(
    `WITH sold AS (
       SELECT li.sku, max(li.product_name) AS product_name, max(li.category) AS category, li.currency,
              sum(li.quantity) AS qty, sum(li.line_total_minor) AS amount
         FROM hq_line_items li
         JOIN hq_transactions t ON t.store_id = li.store_id AND t.transaction_id = li.transaction_id
        WHERE li.occurred_at >= $1 AND li.occurred_at < $2 AND ($3::text IS NULL OR li.store_id = $3)
          AND t.status <> 'VOIDED'
        GROUP BY li.sku, li.currency
     ), refunded AS (
       SELECT rl.sku, r.currency, sum(rl.quantity) AS qty, sum(rl.amount_minor) AS amount
         FROM hq_refund_lines rl
         JOIN hq_refunds r ON r.store_id = rl.store_id AND r.refund_id = rl.refund_id
        WHERE rl.occurred_at >= $1 AND rl.occurred_at < $2 AND ($3::text IS NULL OR rl.store_id = $3)
        GROUP BY rl.sku, r.currency
     ), ranked AS (
       SELECT s.sku, s.product_name, s.category, s.qty - COALESCE(r.qty, 0) AS quantity,
              s.amount - COALESCE(r.amount, 0) AS net_minor, s.currency
         FROM sold s LEFT JOIN refunded r ON r.sku = s.sku AND r.currency = s.currency
     )
     SELECT * FROM ranked
      WHERE $4::numeric IS NULL OR net_minor < $4::numeric
         OR (net_minor = $4::numeric AND (sku, currency) > ($5::text, $6::text))
      ORDER BY net_minor DESC, sku, currency
      LIMIT $7`,
    [...rangeParams(q), ...list.after, list.fetch],
  );
  return list.page(
    rows,
    (r) => [num(r.net_minor), r.sku, r.currency],
    (r) => ({
      sku: r.sku,
      product_name: r.product_name,
      category: r.category,
      quantity: num(r.quantity),
      net_minor: num(r.net_minor),
      currency: r.currency,
    }),
  );
}

interface InventoryDbRow {
  store_id: string;
  sku: string;
  on_hand: number;
  last_store_seq: string;
  updated_at: Date;
}

export async function inventory(
  db: Queryable,
  q: { storeId: string; sku?: string; limit: number; cursor?: string },
) {
  const list = keysetList('inventory', q, 1);
  const { rows } = await db.query<InventoryDbRow>(
    `SELECT store_id, sku, on_hand, last_store_seq, updated_at FROM hq_inventory
      WHERE store_id = $1 AND ($2::text IS NULL OR sku = $2) AND ($3::text IS NULL OR sku > $3)
      ORDER BY sku LIMIT $4`,
    [q.storeId, q.sku ?? null, ...list.after, list.fetch],
  );
  return list.page(
    rows,
    (r) => [r.sku],
    (r) => ({
      store_id: r.store_id,
      sku: r.sku,
      on_hand: r.on_hand,
      last_store_seq: num(r.last_store_seq),
      updated_at: r.updated_at.toISOString(),
    }),
  );
}

/** bigint measures come back from pg as strings. */
type KpiDbRow = Record<KpiMeasure, string> & {
  scope: string;
  store_id: string | null;
  window_size: string;
  window_start: Date;
  window_end: Date;
  timezone: string | null;
  revision: number;
  is_final: boolean;
  currency: string;
  payments_by_method: Record<string, number>;
  updated_at: Date;
};

/** Latest revision of each window of one scope (the table keeps only the latest), by window_start. */
export async function kpis(
  db: Queryable,
  q: { scope: string; windowSize: string; range: Range; limit: number; cursor?: string },
) {
  const list = keysetList('kpis', q, 1);
  const [at] = list.after;
  const { rows } = await db.query<KpiDbRow>(
    `SELECT scope, store_id, window_size, window_start, window_end, timezone, revision, is_final,
            currency, ${KPI_MEASURES.join(', ')}, payments_by_method, updated_at
       FROM kpi_windows
      WHERE scope = $1 AND window_size = $2 AND window_start >= $3 AND window_start < $4
        AND ($5::timestamptz IS NULL OR window_start > $5::timestamptz)
      ORDER BY window_start LIMIT $6`,
    [q.scope, q.windowSize, q.range.from, q.range.to, atOrNull(at), list.fetch],
  );
  return list.page(
    rows,
    (r) => [r.window_start.getTime()],
    (r) => {
      const m = {} as KpiMeasures;
      for (const k of KPI_MEASURES) m[k] = num(r[k]);
      const minutes = (r.window_end.getTime() - r.window_start.getTime()) / 60_000;
      return {
        scope: r.scope,
        store_id: r.store_id,
        window_size: r.window_size,
        window_start: r.window_start.toISOString(),
        window_end: r.window_end.toISOString(),
        timezone: r.timezone,
        revision: r.revision,
        is_final: r.is_final,
        currency: r.currency,
        ...m,
        // Read-time derivations, as KpiWindowUpdated.avsc documents them.
        avg_basket_minor: m.orders > 0 ? Math.round(m.gmv_minor / m.orders) : null,
        order_rate_per_min: minutes > 0 ? m.orders / minutes : 0,
        payment_success_rate: m.payments_attempted > 0 ? m.payments_captured / m.payments_attempted : null,
        payments_by_method: r.payments_by_method,
        updated_at: r.updated_at.toISOString(),
      };
    },
  );
}
