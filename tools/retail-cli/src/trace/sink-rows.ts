import type { ClickHouseClient } from '@clickhouse/client';
import { PG_SCHEMA_NAME, sqlString } from '@retail-stream/runtime';
import type cassandra from 'cassandra-driver';
import type pg from 'pg';

/** What one sink holds of one event. `found: false` with `detail` says why when it could not look. */
export interface SinkRow {
  sink: 'postgres' | 'clickhouse' | 'cassandra';
  table: string;
  found: boolean;
  /** The row's identifying columns and a few values (kept small: this is for people). */
  row?: Record<string, unknown>;
  detail?: string;
}

/** The natural keys of an event (from the outbox payload or a sink row). */
export interface EventKeys {
  transaction_id?: string;
  payment_id?: string;
  refund_id?: string;
  skus?: string[];
}

export function keysOfPayload(payload: Record<string, unknown> | undefined): EventKeys {
  if (!payload) return {};
  const str = (k: string) => (typeof payload[k] === 'string' ? (payload[k] as string) : undefined);
  const stock = Array.isArray(payload.stock) ? (payload.stock as { sku?: unknown }[]) : [];
  return {
    transaction_id: str('transaction_id'),
    payment_id: str('payment_id'),
    refund_id: str('refund_id'),
    skus: stock.map((s) => s.sku).filter((s): s is string => typeof s === 'string'),
  };
}

const HQ_LOOKUP: Record<string, { table: string; column: string; select: string }> = {
  SaleRecorded: {
    table: 'hq_transactions',
    column: 'sale_event_id',
    select:
      'transaction_id, status, total_minor::float8 AS total_minor, currency, store_seq::int AS store_seq',
  },
  SaleVoided: {
    table: 'hq_transactions',
    column: 'void_event_id',
    select: 'transaction_id, status, voided_at, voided_minor::float8 AS voided_minor',
  },
  PaymentCaptured: {
    table: 'hq_payments',
    column: 'event_id',
    select: 'transaction_id, payment_id, status, method, amount_minor::float8 AS amount_minor',
  },
  PaymentFailed: {
    table: 'hq_payments',
    column: 'event_id',
    select: 'transaction_id, payment_id, status, method, failure_reason',
  },
  SaleRefunded: {
    table: 'hq_refunds',
    column: 'event_id',
    select: 'transaction_id, refund_id, amount_minor::float8 AS amount_minor, reason',
  },
  InventoryAdjusted: {
    table: 'hq_inventory_adjustments',
    column: 'event_id',
    select: 'adjustment_id, reason',
  },
  GoodsReceived: {
    table: 'hq_goods_receipts',
    column: 'event_id',
    select: 'receipt_id, supplier_id, total_cost_minor::float8 AS total_cost_minor',
  },
};

/** The HQ table row the event made (the inbox row is read separately). */
export async function hqRow(
  db: pg.Pool,
  schema: string,
  ev: { eventId: string; storeId: string; eventType: string },
  keys: EventKeys,
): Promise<SinkRow> {
  const spec = HQ_LOOKUP[ev.eventType];
  if (!spec) return { sink: 'postgres', table: '?', found: false, detail: `no HQ table for ${ev.eventType}` };
  if (!PG_SCHEMA_NAME.test(schema)) throw new RangeError(`invalid schema name '${schema}'`);
  // With the transaction id the primary key finds the row at once; without, the store's rows.
  const byTx =
    keys.transaction_id !== undefined &&
    spec.table !== 'hq_inventory_adjustments' &&
    spec.table !== 'hq_goods_receipts';
  const { rows } = await db.query(
    `SELECT ${spec.select} FROM "${schema}".${spec.table}
      WHERE store_id = $1 AND ${spec.column} = $2 ${byTx ? 'AND transaction_id = $3' : ''} LIMIT 1`,
    byTx ? [ev.storeId, ev.eventId, keys.transaction_id] : [ev.storeId, ev.eventId],
  );
  return { sink: 'postgres', table: `${schema}.${spec.table}`, found: rows.length > 0, row: rows[0] };
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

/**
 * The event's rows in its ClickHouse fact table, by the table's sort key (store_id, event_id), so
 * the primary index finds them. Read without FINAL on purpose: `copies` > 1 shows a replay's
 * copies not merged yet (the *_v views count them once).
 */
export async function clickhouseRow(
  ch: ClickHouseClient,
  ev: { eventId: string; storeId: string; eventType: string },
): Promise<SinkRow> {
  const table = CH_TABLE[ev.eventType];
  if (!table)
    return {
      sink: 'clickhouse',
      table: '?',
      found: false,
      detail: `no ClickHouse table for ${ev.eventType}`,
    };
  const txCol = table === 'inventory_movements' ? "''" : 'any(transaction_id)';
  const rs = await ch.query({
    query: `SELECT count() AS copies, ${txCol} AS transaction_id, max(store_seq) AS store_seq
              FROM ${table} WHERE store_id = ${sqlString(ev.storeId)} AND event_id = ${sqlString(ev.eventId)}`,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const [r] = await rs.json<{ copies: number; transaction_id: string; store_seq: number }>();
  const copies = Number(r?.copies ?? 0);
  return {
    sink: 'clickhouse',
    table,
    found: copies > 0,
    row:
      copies > 0
        ? { rows: copies, transaction_id: r!.transaction_id || undefined, store_seq: r!.store_seq }
        : undefined,
  };
}

/** Keyed by (transaction_id, store_id): sinks/cassandra/migrations/002_transaction_by_id_and_store.cql. */
const TX_TABLE = 'transaction_by_id_and_store';

/**
 * What the Cassandra projections show of the event: the store's transaction_by_id_and_store row for sales, payments, voids
 * and refunds (each adds its own cells), inventory_by_store for stock-only events (applied when
 * the SKU's last_store_seq reached the event's; a later event may have superseded it).
 */
export async function cassandraRow(
  client: cassandra.Client,
  keyspace: string,
  ev: { eventType: string; storeId: string; storeSeq: number },
  keys: EventKeys,
): Promise<SinkRow> {
  if (!/^[a-z_][a-z0-9_]{0,47}$/.test(keyspace)) throw new RangeError(`invalid keyspace '${keyspace}'`);
  if (ev.eventType === 'InventoryAdjusted' || ev.eventType === 'GoodsReceived') {
    const sku = keys.skus?.[0];
    if (!sku)
      return {
        sink: 'cassandra',
        table: 'inventory_by_store',
        found: false,
        detail: 'SKU unknown (no outbox payload)',
      };
    const rs = await client.execute(
      `SELECT on_hand, last_store_seq FROM ${keyspace}.inventory_by_store WHERE store_id = ? AND sku = ?`,
      [ev.storeId, sku],
      { prepare: true },
    );
    const r = rs.first();
    const seq = r ? Number(r.get('last_store_seq')) : 0;
    return {
      sink: 'cassandra',
      table: 'inventory_by_store',
      found: seq >= ev.storeSeq,
      row: r ? { sku, on_hand: r.get('on_hand'), last_store_seq: seq } : undefined,
    };
  }
  const tx = keys.transaction_id;
  if (!tx) return { sink: 'cassandra', table: TX_TABLE, found: false, detail: 'transaction id unknown' };
  // The event's own store row: another store's row for the same id holds none of this event.
  const rs = await client.execute(
    `SELECT status, sale_seq, last_store_seq, payments, refunds FROM ${keyspace}.${TX_TABLE} ` +
      `WHERE transaction_id = ? AND store_id = ?`,
    [tx, ev.storeId],
    { prepare: true },
  );
  const r = rs.first();
  if (!r) return { sink: 'cassandra', table: TX_TABLE, found: false };
  const payments = (r.get('payments') ?? {}) as Record<string, unknown>;
  const refunds = (r.get('refunds') ?? {}) as Record<string, unknown>;
  const saleSeq = r.get('sale_seq') == null ? null : Number(r.get('sale_seq'));
  const lastSeq = r.get('last_store_seq') == null ? 0 : Number(r.get('last_store_seq'));
  const found =
    ev.eventType === 'SaleRecorded'
      ? saleSeq === ev.storeSeq
      : ev.eventType === 'SaleVoided'
        ? r.get('status') === 'VOIDED'
        : ev.eventType === 'SaleRefunded'
          ? keys.refund_id !== undefined && keys.refund_id in refunds
          : keys.payment_id !== undefined && keys.payment_id in payments;
  return {
    sink: 'cassandra',
    table: TX_TABLE,
    found,
    row: { transaction_id: tx, status: r.get('status'), sale_seq: saleSeq, last_store_seq: lastSeq },
  };
}
