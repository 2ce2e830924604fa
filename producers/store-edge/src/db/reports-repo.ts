import type pg from 'pg';
import type { StoreProfile } from '../store-profile.ts';

export interface SalesByDayQuery {
  from: string;
  to: string;
}

/**
 * Daily sales in the store's own time zone (a sale at 23:30 in Hanoi belongs to that Hanoi day).
 * Voids of paid sales count on the day of the void, refunds on the day of the refund, so a past
 * day's figures never change after the fact; net = total − voided − refunded.
 */
export async function salesByDay(db: pg.Pool, store: StoreProfile, q: SalesByDayQuery) {
  const { rows } = await db.query<{
    day: string;
    sales_count: number;
    items_sold: bigint;
    subtotal_minor: bigint;
    discount_minor: bigint;
    tax_minor: bigint;
    total_minor: bigint;
    voided_count: number;
    voided_minor: bigint;
    refund_count: number;
    refunded_minor: bigint;
  }>(
    `WITH bounds AS (
       SELECT ($2::date::timestamp AT TIME ZONE $1) AS start_at, (($3::date + 1)::timestamp AT TIME ZONE $1) AS end_at
     ), sales AS (
       SELECT (t.finalized_at AT TIME ZONE $1)::date AS day, count(*)::int AS sales_count, sum(t.item_count)::bigint AS items_sold,
              sum(t.subtotal_minor)::bigint AS subtotal_minor, sum(t.discount_minor)::bigint AS discount_minor,
              sum(t.tax_minor)::bigint AS tax_minor, sum(t.total_minor)::bigint AS total_minor
         FROM transactions t, bounds b
        WHERE t.store_id = $4 AND t.finalized_at >= b.start_at AND t.finalized_at < b.end_at
        GROUP BY 1
     ), voids AS (
       SELECT (t.voided_at AT TIME ZONE $1)::date AS day, count(*)::int AS voided_count, sum(t.total_minor)::bigint AS voided_minor
         FROM transactions t, bounds b
        WHERE t.store_id = $4 AND t.finalized_at IS NOT NULL AND t.voided_at >= b.start_at AND t.voided_at < b.end_at
        GROUP BY 1
     ), refunds AS (
       SELECT (r.created_at AT TIME ZONE $1)::date AS day, count(*)::int AS refund_count, sum(r.amount_minor)::bigint AS refunded_minor
         FROM refunds r, bounds b
        WHERE r.store_id = $4 AND r.created_at >= b.start_at AND r.created_at < b.end_at
        GROUP BY 1
     )
     SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
            coalesce(s.sales_count, 0) AS sales_count, coalesce(s.items_sold, 0) AS items_sold,
            coalesce(s.subtotal_minor, 0) AS subtotal_minor, coalesce(s.discount_minor, 0) AS discount_minor,
            coalesce(s.tax_minor, 0) AS tax_minor, coalesce(s.total_minor, 0) AS total_minor,
            coalesce(v.voided_count, 0) AS voided_count, coalesce(v.voided_minor, 0) AS voided_minor,
            coalesce(r.refund_count, 0) AS refund_count, coalesce(r.refunded_minor, 0) AS refunded_minor
       FROM generate_series($2::date, $3::date, interval '1 day') AS g(ts)
       CROSS JOIN LATERAL (SELECT g.ts::date AS day) d
       LEFT JOIN sales s ON s.day = d.day
       LEFT JOIN voids v ON v.day = d.day
       LEFT JOIN refunds r ON r.day = d.day
      ORDER BY d.day`,
    [store.timezone, q.from, q.to, store.store_id],
  );
  return {
    store_id: store.store_id,
    timezone: store.timezone,
    currency: store.currency,
    from: q.from,
    to: q.to,
    days: rows.map((r) => ({ ...r, net_minor: r.total_minor - r.voided_minor - r.refunded_minor })),
  };
}

export interface InventoryQuery {
  below?: number | undefined;
  category?: string | undefined;
  limit: number;
  offset: number;
}

/** Stock on hand per SKU, lowest first (what to reorder), with store-wide totals. */
export async function inventoryReport(db: pg.Pool, store: StoreProfile, q: InventoryQuery) {
  const filter = `FROM local_catalog c
      LEFT JOIN local_inventory i ON i.sku = c.sku AND i.store_id = $1
     WHERE ($2::text IS NULL OR c.category = $2) AND ($3::int IS NULL OR coalesce(i.on_hand, 0) < $3)`;
  const params = [store.store_id, q.category ?? null, q.below ?? null];
  const [items, summary] = await Promise.all([
    db.query<{
      sku: string;
      barcode: string;
      name: string;
      category: string;
      brand: string;
      on_hand: number;
      updated_at: Date | null;
    }>(
      `SELECT c.sku, c.barcode, c.name, c.category, c.brand, coalesce(i.on_hand, 0) AS on_hand, i.updated_at
       ${filter} ORDER BY coalesce(i.on_hand, 0), c.sku LIMIT $4 OFFSET $5`,
      [...params, q.limit, q.offset],
    ),
    db.query<{ sku_count: number; units_on_hand: bigint; out_of_stock_skus: number; negative_skus: number }>(
      `SELECT count(*)::int AS sku_count, coalesce(sum(coalesce(i.on_hand, 0)), 0)::bigint AS units_on_hand,
              count(*) FILTER (WHERE coalesce(i.on_hand, 0) <= 0)::int AS out_of_stock_skus,
              count(*) FILTER (WHERE i.on_hand < 0)::int AS negative_skus
       ${filter}`,
      params,
    ),
  ]);
  return {
    store_id: store.store_id,
    ...summary.rows[0]!,
    limit: q.limit,
    offset: q.offset,
    items: items.rows,
  };
}
