import type pg from 'pg';
import type { StoreDay } from './day-bounds.ts';
import type { Figures, StorePaidVoids } from './figures.ts';

/** The store's figures of its local day, from its own outbox (every event it committed, with its payload). */
export async function storeFigures(
  db: pg.Pool,
  storeId: string,
  day: StoreDay,
): Promise<Figures & StorePaidVoids> {
  const { rows } = await db.query(
    `SELECT count(*)::float8 AS events, coalesce(max(store_seq), 0)::float8 AS last_seq,
       count(*) FILTER (WHERE event_type = 'SaleRecorded')::float8 AS sales,
       coalesce(sum((payload->>'total_minor')::bigint) FILTER (WHERE event_type = 'SaleRecorded'), 0)::float8 AS sales_minor,
       count(*) FILTER (WHERE event_type = 'SaleVoided')::float8 AS voids,
       coalesce(sum((payload->>'total_minor')::bigint) FILTER (WHERE event_type = 'SaleVoided'), 0)::float8 AS voids_minor,
       count(*) FILTER (WHERE event_type = 'SaleVoided' AND (payload->>'was_paid')::boolean)::float8 AS paid_voids,
       coalesce(sum((payload->>'total_minor')::bigint)
         FILTER (WHERE event_type = 'SaleVoided' AND (payload->>'was_paid')::boolean), 0)::float8 AS paid_voids_minor,
       count(*) FILTER (WHERE event_type = 'SaleRefunded')::float8 AS refunds,
       coalesce(sum((payload->>'amount_minor')::bigint) FILTER (WHERE event_type = 'SaleRefunded'), 0)::float8 AS refunds_minor
     FROM outbox WHERE store_id = $1 AND occurred_at >= $2 AND occurred_at < $3`,
    [storeId, day.start, day.end],
  );
  return rows[0];
}

/** One event the store committed that day (what a sink must hold). */
export interface StoreDayEvent {
  event_id: string;
  store_seq: number;
  event_type: string;
  transaction_id: string | null;
  created_at: Date;
  published_at: Date | null;
  /** SaleVoided only: the sale had been paid (recorded); false for every other event. */
  was_paid: boolean;
}

export async function storeDayEvents(db: pg.Pool, storeId: string, day: StoreDay): Promise<StoreDayEvent[]> {
  const { rows } = await db.query<StoreDayEvent>(
    `SELECT event_id::text AS event_id, store_seq::float8 AS store_seq, event_type,
            payload->>'transaction_id' AS transaction_id, created_at, published_at,
            coalesce((payload->>'was_paid')::boolean, false) AS was_paid
       FROM outbox WHERE store_id = $1 AND occurred_at >= $2 AND occurred_at < $3 ORDER BY store_seq`,
    [storeId, day.start, day.end],
  );
  return rows;
}

/** The store's time zone from its own database (the store row), if it has one. */
export async function storeTimezone(db: pg.Pool, storeId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ timezone: string }>('SELECT timezone FROM store WHERE store_id = $1', [
    storeId,
  ]);
  return rows[0]?.timezone;
}
