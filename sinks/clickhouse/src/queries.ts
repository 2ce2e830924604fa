import type { ClickHouseClient } from '@clickhouse/client';
import { sqlString } from '@retail-stream/runtime';
import { TABLES, type Table } from './rows.ts';
import { CH_TABLES } from './tables/all-tables.ts';
import { kpiWindowsTable, type KpiWindowsRow } from './tables/kpi-windows.ts';

/**
 * Reads of the collapsed facts, for tests, the end-to-end checker and reports. The aggregates read
 * the `*_v` views (migrations/003_final_views.sql: the table through FINAL), the same views BI
 * users query, so rows the sink wrote more than once count once even before ClickHouse merged
 * the parts. 18.16 has no query parameters: values are inlined with sqlString().
 */

/** 64-bit integers as JSON numbers (amounts in minor units stay far below 2^53). */
const NUMERIC = { output_format_json_quote_64bit_integers: 0 } as const;

async function rows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  const rs = await client.query({ query, format: 'JSONEachRow', clickhouse_settings: NUMERIC });
  return rs.json<T>();
}

function storeFilter(storeIds: readonly string[] | undefined, column = 'store_id'): string {
  if (!storeIds) return '';
  if (storeIds.length === 0) return 'WHERE 0';
  return `WHERE ${column} IN (${storeIds.map(sqlString).join(', ')})`;
}

export interface StoreDaySales {
  store_id: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  currency: string;
  orders: number;
  total_minor: number;
  items: number;
  lines: number;
}

/** Sales per store and UTC day (each SaleRecorded once). */
export function salesTotalsByStoreDay(
  client: ClickHouseClient,
  opts: { storeIds?: readonly string[] } = {},
): Promise<StoreDaySales[]> {
  return rows(
    client,
    `SELECT store_id, toString(toDate(occurred_at, 'UTC')) AS day, currency,
            count() AS orders, sum(total_minor) AS total_minor, sum(item_count) AS items,
            sum(line_count) AS lines
       FROM sales_v ${storeFilter(opts.storeIds)}
      GROUP BY store_id, day, currency
      ORDER BY store_id, day, currency`,
  );
}

/** A kpi_windows row as these reads return it: every written column but timezone, which they never selected. */
export type KpiWindowRow = Omit<KpiWindowsRow, 'timezone'>;

const KPI_READ_COLUMNS = kpiWindowsTable.columns.map(([c]) => c).filter((c) => c !== 'timezone');

/** The highest revision of every KPI window (optionally of one scope and/or size). */
export function kpiLatestRevisions(
  client: ClickHouseClient,
  opts: { scope?: string; windowSize?: string } = {},
): Promise<KpiWindowRow[]> {
  const where = [
    opts.scope === undefined ? undefined : `scope = ${sqlString(opts.scope)}`,
    opts.windowSize === undefined ? undefined : `window_size = ${sqlString(opts.windowSize)}`,
  ].filter((w) => w !== undefined);
  return rows(
    client,
    `SELECT ${KPI_READ_COLUMNS.join(', ')}
       FROM kpi_windows_v ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${kpiWindowsTable.orderBy.join(', ')}`,
  );
}

export interface InventorySum {
  store_id: string;
  sku: string;
  movements: number;
  delta_sum: number;
  /** on_hand_after of the highest store_seq: the stock level the events last reported. */
  last_on_hand: number;
}

/** Stock movements per store and SKU, each StockChange once. */
export function inventoryMovementSums(
  client: ClickHouseClient,
  opts: { storeIds?: readonly string[] } = {},
): Promise<InventorySum[]> {
  return rows(
    client,
    `SELECT store_id, sku, count() AS movements, sum(delta) AS delta_sum,
            argMax(on_hand_after, store_seq) AS last_on_hand
       FROM inventory_movements_v ${storeFilter(opts.storeIds)}
      GROUP BY store_id, sku
      ORDER BY store_id, sku`,
  );
}

export interface PaymentTotals {
  store_id: string;
  status: string;
  method: string;
  payments: number;
  amount_minor: number;
}

export function paymentTotals(
  client: ClickHouseClient,
  opts: { storeIds?: readonly string[] } = {},
): Promise<PaymentTotals[]> {
  return rows(
    client,
    `SELECT store_id, status, method, count() AS payments, sum(amount_minor) AS amount_minor
       FROM payments_v ${storeFilter(opts.storeIds)}
      GROUP BY store_id, status, method
      ORDER BY store_id, status, method`,
  );
}

/** Collapsed row count per table (each natural key once), and raw count (copies included). */
export async function tableCounts(
  client: ClickHouseClient,
  opts: { storeIds?: readonly string[] } = {},
): Promise<Record<Table, { collapsed: number; raw: number }>> {
  const out = {} as Record<Table, { collapsed: number; raw: number }>;
  for (const table of TABLES) {
    const filter = storeFilter(opts.storeIds);
    const [c] = await rows<{ n: number }>(client, `SELECT count() AS n FROM ${table}_v ${filter}`);
    const [r] = await rows<{ n: number }>(client, `SELECT count() AS n FROM ${table} ${filter}`);
    out[table] = { collapsed: c!.n, raw: r!.n };
  }
  return out;
}

const ORDER_KEYS = Object.fromEntries(CH_TABLES.map((t) => [t.table, t.orderBy.join(', ')])) as Record<
  Table,
  string
>;

/** Every collapsed row of a table, in key order (for comparing whole tables). */
export function collapsedTable(client: ClickHouseClient, table: Table): Promise<Record<string, unknown>[]> {
  if (!TABLES.includes(table)) throw new RangeError(`unknown table ${table}`);
  return rows(client, `SELECT * FROM ${table} FINAL ORDER BY ${ORDER_KEYS[table]}`);
}
