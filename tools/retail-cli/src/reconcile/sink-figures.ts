import type { ClickHouseClient } from '@clickhouse/client';
import { PG_SCHEMA_NAME, sqlString } from '@retail-stream/runtime';
import cassandra from 'cassandra-driver';
import type pg from 'pg';
import type { StoreDay } from './day-bounds.ts';
import type { Figures } from './figures.ts';

function checkSchema(schema: string): string {
  if (!PG_SCHEMA_NAME.test(schema)) throw new RangeError(`invalid schema name '${schema}'`);
  return schema;
}

/** HQ Postgres: the inbox (events, last seq) and the sales, voids and refunds tables. */
export async function postgresFigures(
  db: pg.Pool,
  schema: string,
  storeId: string,
  day: StoreDay,
): Promise<Figures> {
  const s = checkSchema(schema);
  const { rows } = await db.query(
    `SELECT
       (SELECT count(*) FROM "${s}".hq_inbox WHERE store_id = $1 AND occurred_at >= $2 AND occurred_at < $3)::float8 AS events,
       (SELECT coalesce(max(store_seq), 0) FROM "${s}".hq_inbox WHERE store_id = $1 AND occurred_at >= $2 AND occurred_at < $3)::float8 AS last_seq,
       t.sales, t.sales_minor, v.voids, v.voids_minor, r.refunds, r.refunds_minor
     FROM (SELECT count(*)::float8 AS sales, coalesce(sum(total_minor), 0)::float8 AS sales_minor FROM "${s}".hq_transactions
            WHERE store_id = $1 AND sale_event_id IS NOT NULL AND occurred_at >= $2 AND occurred_at < $3) t,
          (SELECT count(*)::float8 AS voids, coalesce(sum(voided_minor), 0)::float8 AS voids_minor FROM "${s}".hq_transactions
            WHERE store_id = $1 AND voided_at >= $2 AND voided_at < $3) v,
          (SELECT count(*)::float8 AS refunds, coalesce(sum(amount_minor), 0)::float8 AS refunds_minor FROM "${s}".hq_refunds
            WHERE store_id = $1 AND occurred_at >= $2 AND occurred_at < $3) r`,
    [storeId, day.start, day.end],
  );
  return rows[0];
}

/** The ClickHouse views that hold every event once (each event type has rows in one of them). */
export const CH_EVENT_VIEWS = [
  'sales_v',
  'payments_v',
  'voids_v',
  'refunds_v',
  'inventory_movements_v',
] as const;

/** ClickHouse through the *_v views (exact whatever the merges did). 18.16: values inlined with sqlString. */
export async function clickhouseFigures(
  ch: ClickHouseClient,
  storeId: string,
  day: StoreDay,
): Promise<Figures> {
  const where = `store_id = ${sqlString(storeId)} AND occurred_at_ms >= ${day.start.getTime()} AND occurred_at_ms < ${day.end.getTime()}`;
  const events = `SELECT uniqExact(event_id) AS events, max(store_seq) AS last_seq FROM (
      ${CH_EVENT_VIEWS.map((v) => `SELECT event_id, store_seq FROM ${v} WHERE ${where}`).join(' UNION ALL ')})`;
  const query = `SELECT
      (SELECT count() FROM sales_v WHERE ${where}) AS sales,
      (SELECT sum(total_minor) FROM sales_v WHERE ${where}) AS sales_minor,
      (SELECT count() FROM voids_v WHERE ${where}) AS voids,
      (SELECT sum(total_minor) FROM voids_v WHERE ${where}) AS voids_minor,
      (SELECT count() FROM refunds_v WHERE ${where}) AS refunds,
      (SELECT sum(amount_minor) FROM refunds_v WHERE ${where}) AS refunds_minor`;
  const rs = await ch.query({
    query,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const [r] = await rs.json<Record<string, number>>();
  const es = await ch.query({
    query: events,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const [e] = await es.json<Record<string, number>>();
  return Object.fromEntries(Object.entries({ ...r, ...e }).map(([k, v]) => [k, Number(v ?? 0)]));
}

/** Cassandra's sales_by_store_day partition of that local day: its sales and their total, and their transaction ids. */
export async function cassandraFigures(
  client: cassandra.Client,
  keyspace: string,
  storeId: string,
  day: StoreDay,
): Promise<Figures & { transactions: Set<string> }> {
  if (!/^[a-z_][a-z0-9_]{0,47}$/.test(keyspace)) throw new RangeError(`invalid keyspace '${keyspace}'`);
  const rs = await client.execute(
    `SELECT transaction_id, total_minor FROM ${keyspace}.sales_by_store_day WHERE store_id = ? AND day = ?`,
    [storeId, cassandra.types.LocalDate.fromString(day.date)],
    { prepare: true, fetchSize: 100_000 },
  );
  let sum = 0;
  const transactions = new Set<string>();
  for (const row of rs.rows) {
    transactions.add(row.get('transaction_id') as string);
    sum += Number(row.get('total_minor') ?? 0);
  }
  return { sales: rs.rows.length, sales_minor: sum, transactions };
}

/** The store's D1_LOCAL KPI window of that day in HQ Postgres (latest revision), or null when none. */
export async function kpiFigures(
  db: pg.Pool,
  schema: string,
  storeId: string,
  day: StoreDay,
): Promise<(Figures & { revision: number }) | null> {
  const s = checkSchema(schema);
  const { rows } = await db.query(
    `SELECT orders::float8 AS sales, void_count::float8 AS voids, voids_minor::float8 AS voids_minor,
            refund_count::float8 AS refunds, refunds_minor::float8 AS refunds_minor, gmv_minor::float8 AS gmv_minor, revision
       FROM "${s}".kpi_windows WHERE scope = $1 AND window_size = 'D1_LOCAL' AND window_start = $2`,
    [`store:${storeId}`, day.start],
  );
  return rows[0] ?? null;
}
