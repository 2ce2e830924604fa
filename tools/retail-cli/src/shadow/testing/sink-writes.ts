import type { ClickHouseClient } from '@clickhouse/client';
import { planWrites, ProjectionStore, transactionIdsOf } from '@retail-stream/cassandra-sink';
import { appendRows, emptyTableRows, storeEventRows } from '@retail-stream/clickhouse-sink';
import { applyStoreEvents, hqPool, inTransaction, prepareDatabase } from '@retail-stream/postgres-sink';
import { createMetricsRegistry, sinkMetrics } from '@retail-stream/runtime';
import { WriteMeter } from '@retail-stream/runtime/sink-kit';
import type { StoreEvent } from '@retail-stream/schemas';
import { eventSkus } from '@retail-stream/schemas/testing';
import type cassandra from 'cassandra-driver';

/**
 * Writes events into a live store or a shadow through each sink's own write path (what the sink
 * and `retail replay` run), so a test fills both sides exactly as the pipeline would.
 */

export async function writePostgres(pgUrl: string, schema: string, events: StoreEvent[]): Promise<void> {
  const pool = hqPool(pgUrl, schema, { max: 1 });
  try {
    await prepareDatabase(pool, schema);
    const sourced = events.map((event, i) => ({ event, partition: 0, offset: String(i) }));
    await inTransaction(pool, (c) => applyStoreEvents(c, sourced));
  } finally {
    await pool.end();
  }
}

/** `client` bound to the database to write (unqualified tables, as the sink's client). */
export async function writeClickhouse(client: ClickHouseClient, events: StoreEvent[]): Promise<void> {
  const rows = emptyTableRows();
  for (const e of events) appendRows(rows, storeEventRows(e));
  for (const [table, values] of rows) {
    if (values.length > 0) await client.insert({ table, values, format: 'JSONEachRow' });
  }
}

export async function writeCassandra(
  client: cassandra.Client,
  keyspace: string,
  events: StoreEvent[],
): Promise<void> {
  const meter = new WriteMeter(
    sinkMetrics(createMetricsRegistry('shadow-test', { defaultMetrics: false })),
    'cassandra',
  );
  const store = new ProjectionStore({ client, keyspace, meter, maxBatchStatements: 16, concurrency: 8 });
  const known = await store.readTransactions(transactionIdsOf(events));
  await store.write(planWrites(events, known));
}

/** The event as ingest writes it to retail.events.enriched (a known store in Ho Chi Minh City). */
export function enriched<E extends StoreEvent>(e: E): E {
  return {
    ...e,
    enrichment: {
      store_known: true,
      store_name: `Store ${e.store_id}`,
      region: 'south',
      timezone: 'Asia/Ho_Chi_Minh',
      products: eventSkus(e).map((sku) => ({
        sku,
        known: true,
        category: 'grocery',
        brand: 'Acme',
        drug: null,
      })),
      ingested_at: e.occurred_at + 50,
      pharmacy_code: null,
    },
  };
}
