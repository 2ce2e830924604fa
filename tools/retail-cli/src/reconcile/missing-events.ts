import type { ClickHouseClient } from '@clickhouse/client';
import { PG_SCHEMA_NAME, sqlString } from '@retail-stream/runtime';
import type pg from 'pg';
import type { StoreDayEvent } from './store-figures.ts';

export type SinkName = 'postgres' | 'clickhouse' | 'cassandra';

/** An event of the store's day that a sink does not hold (what --repair replays). */
export interface MissingEvent {
  sink: SinkName;
  event_id: string;
  store_seq: number;
  event_type: string;
  transaction_id: string | null;
}

/** The HQ table (and the column naming the event) that each event type writes; the inbox for every type. */
const HQ_EVENT_COLUMN: Record<string, [string, string]> = {
  SaleRecorded: ['hq_transactions', 'sale_event_id'],
  SaleVoided: ['hq_transactions', 'void_event_id'],
  PaymentCaptured: ['hq_payments', 'event_id'],
  PaymentFailed: ['hq_payments', 'event_id'],
  SaleRefunded: ['hq_refunds', 'event_id'],
  InventoryAdjusted: ['hq_inventory_adjustments', 'event_id'],
  GoodsReceived: ['hq_goods_receipts', 'event_id'],
};

const missing = (sink: SinkName, e: StoreDayEvent): MissingEvent => ({
  sink,
  event_id: e.event_id,
  store_seq: e.store_seq,
  event_type: e.event_type,
  transaction_id: e.transaction_id,
});

/** Events without their inbox row or without their row in their HQ table. */
export async function missingInPostgres(
  db: pg.Pool,
  schema: string,
  storeId: string,
  events: readonly StoreDayEvent[],
): Promise<MissingEvent[]> {
  if (!PG_SCHEMA_NAME.test(schema)) throw new RangeError(`invalid schema name '${schema}'`);
  if (events.length === 0) return [];
  const ids = events.map((e) => e.event_id);
  const present = async (table: string, column: string) => {
    const { rows } = await db.query<{ id: string }>(
      `SELECT ${column} AS id FROM "${schema}".${table} WHERE store_id = $1 AND ${column} = ANY($2)`,
      [storeId, ids],
    );
    return new Set(rows.map((r) => r.id));
  };
  const inbox = await present('hq_inbox', 'event_id');
  const byTable = new Map<string, Set<string>>();
  for (const [table, column] of new Set(Object.values(HQ_EVENT_COLUMN))) {
    byTable.set(`${table}.${column}`, await present(table, column));
  }
  return events
    .filter((e) => {
      if (!inbox.has(e.event_id)) return true;
      // A void of a sale never finalized has no sale row at HQ to carry it (StorePaidVoids).
      if (e.event_type === 'SaleVoided' && !e.was_paid) return false;
      const spec = HQ_EVENT_COLUMN[e.event_type];
      return spec !== undefined && !byTable.get(`${spec[0]}.${spec[1]}`)!.has(e.event_id);
    })
    .map((e) => missing('postgres', e));
}

const CH_TABLE: Record<string, string> = {
  SaleRecorded: 'sales',
  PaymentCaptured: 'payments',
  PaymentFailed: 'payments',
  SaleVoided: 'voids',
  SaleRefunded: 'refunds',
  InventoryAdjusted: 'inventory_movements',
  GoodsReceived: 'inventory_movements',
};

/** Events without a row in their ClickHouse fact table (by the sort key: store_id, event_id). */
export async function missingInClickhouse(
  ch: ClickHouseClient,
  storeId: string,
  events: readonly StoreDayEvent[],
): Promise<MissingEvent[]> {
  if (events.length === 0) return [];
  const present = new Set<string>();
  const tables = new Set(
    events.map((e) => CH_TABLE[e.event_type]).filter((t): t is string => t !== undefined),
  );
  for (const table of tables) {
    const ids = events.filter((e) => CH_TABLE[e.event_type] === table).map((e) => sqlString(e.event_id));
    const rs = await ch.query({
      query: `SELECT DISTINCT event_id FROM ${table} WHERE store_id = ${sqlString(storeId)} AND event_id IN (${ids.join(', ')})`,
      format: 'JSONEachRow',
    });
    for (const r of await rs.json<{ event_id: string }>()) present.add(r.event_id);
  }
  return events
    .filter((e) => CH_TABLE[e.event_type] !== undefined && !present.has(e.event_id))
    .map((e) => missing('clickhouse', e));
}

/** Sales whose transaction is not in the day's sales_by_store_day partition (the other types add cells to it). */
export function missingInCassandra(
  events: readonly StoreDayEvent[],
  transactions: ReadonlySet<string>,
): MissingEvent[] {
  return events
    .filter(
      (e) =>
        e.event_type === 'SaleRecorded' && e.transaction_id !== null && !transactions.has(e.transaction_id),
    )
    .map((e) => missing('cassandra', e));
}
