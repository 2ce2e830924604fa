import path from 'node:path';
import { serviceEnv } from '@retail-stream/infra';
import { AvroSerde } from '@retail-stream/runtime';
import {
  dropPgSchema,
  packageDirs,
  ServiceProcess,
  testEndpoints,
  testPgSchema,
  uniqueIdentifier,
  type TestTopics,
} from '@retail-stream/runtime/testing';
import { posEventRecord, registerAll, type KpiWindowUpdated, type StoreEvent } from '@retail-stream/schemas';
import {
  eventSkus,
  FACTORY_PRODUCTS,
  kpiWindowFixture,
  kpiWindowMessage,
} from '@retail-stream/schemas/testing';
import type { Message } from 'kafkajs';
import type pg from 'pg';
import { hqPool, prepareDatabase } from '../src/db.ts';
import { mapEvents, type SourcedEvent } from '../src/event-rows.ts';

export const ENDPOINTS = testEndpoints(serviceEnv());
export const { brokers: BROKERS, registryUrl: REGISTRY_URL, pgUrl: PG_URL } = ENDPOINTS;
export const { packageDir: PACKAGE_DIR } = packageDirs(import.meta.url);
export const MAIN = path.join(PACKAGE_DIR, 'src/main.ts');

/** Every table of the sink, with the columns that order a full dump deterministically. */
export const TABLES: Record<string, string> = {
  hq_inbox: 'event_id',
  stores: 'store_id',
  hq_transactions: 'store_id, transaction_id',
  hq_line_items: 'store_id, transaction_id, line_no',
  hq_payments: 'store_id, payment_id',
  hq_refunds: 'store_id, refund_id',
  hq_refund_lines: 'store_id, refund_id, line_no',
  hq_inventory: 'store_id, sku',
  hq_goods_receipts: 'store_id, receipt_id',
  hq_inventory_adjustments: 'store_id, adjustment_id',
  kpi_windows: 'scope, window_size, window_start',
};

export function uniqueSchema(prefix = 'hq_test'): string {
  return uniqueIdentifier(prefix);
}

/** Creates and migrates the HQ tables in `schema`; a pool on it. */
export async function createSchema(schema: string): Promise<pg.Pool> {
  const pool = hqPool(PG_URL, schema, { max: 4 });
  await prepareDatabase(pool, schema);
  return pool;
}

export function dropSchema(schema: string): Promise<void> {
  return dropPgSchema(PG_URL, schema);
}

/** A migrated HQ schema of its own (the kit's testPgSchema) and a pool on it; `drop()` removes both. */
export async function testHqSchema(
  prefix = 'hq_test',
): Promise<{ name: string; pool: pg.Pool; drop(): Promise<void> }> {
  const schema = testPgSchema(PG_URL, prefix);
  const pool = await createSchema(schema.name);
  return {
    name: schema.name,
    pool,
    async drop() {
      await pool.end();
      await schema.drop();
    },
  };
}

/** Every row of every table, ordered, as JSON text (what "identical tables" compares). */
export async function dumpTables(
  pool: pg.Pool,
  opts: { withoutProcessingTime?: boolean } = {},
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    const { rows } = await pool.query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY ${order}`);
    if (opts.withoutProcessingTime) {
      // When HQ received a row differs between two runs by nature; everything else must not.
      for (const r of rows) {
        delete r.received_at;
        delete r.last_received_at;
      }
    }
    out[table] = JSON.stringify(rows);
  }
  return out;
}

export type TableCounts = Record<keyof typeof TABLES, number> & { hq_inbox: number; kpi_windows: number };

export async function countTables(pool: pg.Pool): Promise<TableCounts> {
  const out: Record<string, number> = {};
  for (const table of Object.keys(TABLES)) {
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    out[table] = Number(rows[0]!.n);
  }
  return out as TableCounts;
}

/** Row counts the events must produce when each is applied exactly once (from the pure mapping). */
export function expectedCounts(events: StoreEvent[]): Record<string, number> {
  const rows = mapEvents(events.map((event) => ({ event, partition: 0, offset: '0' })));
  return {
    hq_inbox: new Set(events.map((e) => e.event_id)).size,
    stores: rows.stores.length,
    hq_transactions: rows.transactions.length,
    hq_line_items: rows.lineItems.length,
    hq_payments: rows.payments.length,
    hq_refunds: rows.refunds.length,
    hq_refund_lines: rows.refundLines.length,
    hq_inventory: rows.inventory.length,
    hq_goods_receipts: rows.goodsReceipts.length,
    hq_inventory_adjustments: rows.adjustments.length,
  };
}

export const STORE_TZ = 'Asia/Ho_Chi_Minh';

/** The event as the ingest processor would write it to retail.events.enriched. */
export function enrich<E extends StoreEvent>(event: E, opts: { known?: boolean } = {}): E {
  const known = opts.known ?? true;
  return {
    ...event,
    enrichment: {
      store_known: known,
      store_name: known ? `Store ${event.store_id}` : null,
      region: known ? 'South' : null,
      timezone: known ? STORE_TZ : null,
      products: eventSkus(event).map((sku) => {
        const p = FACTORY_PRODUCTS.find((f) => f.sku === sku);
        return { sku, known: !!p, category: p?.category ?? null, brand: p ? `Brand ${p.category}` : null };
      }),
      ingested_at: event.occurred_at + 5,
      pharmacy_code: null,
    },
  };
}

export interface Encoder {
  serde: AvroSerde;
  event(e: StoreEvent): Message;
  kpi(k: KpiWindowUpdated): Message;
}

export async function createEncoder(): Promise<Encoder> {
  const serde = AvroSerde.fromConfig(ENDPOINTS.registry);
  const ids = await registerAll(serde, { registryUrl: REGISTRY_URL });
  return {
    serde,
    event: (e) => posEventRecord(serde, (t) => ids[t], e) as unknown as Message,
    kpi: (k) => kpiWindowMessage(serde, ids, k),
  };
}

export function sourced(events: StoreEvent[], partition = 0): SourcedEvent[] {
  return events.map((event, i) => ({ event, partition, offset: String(i) }));
}

/** The sink's input and output topics (the kit's testTopics). */
export type SinkTopics = TestTopics<'events' | 'kpi' | 'dlq'>;

/** The env naming the schema and topics, as each test starts the sink with. */
export function topicEnv(schema: string, topics: SinkTopics): Record<string, string> {
  return {
    HQ_PG_SCHEMA: schema,
    SINK_EVENTS_TOPIC: topics.events,
    SINK_KPI_TOPIC: topics.kpi,
    SINK_DLQ_TOPIC: topics.dlq,
  };
}

/** A chain H1 window of four sales (schemas/testing's kpiWindowFixture otherwise); `over` replaces any field. */
export function kpiRecord(over: Partial<KpiWindowUpdated> = {}): KpiWindowUpdated {
  return kpiWindowFixture({
    scope: 'chain',
    store_id: null,
    window_size: 'H1',
    window_start: Date.UTC(2026, 10, 22, 1),
    window_end: Date.UTC(2026, 10, 22, 2),
    orders: 4,
    items: 10,
    payments_attempted: 5,
    payments_captured: 4,
    payments_by_method: { CASH: 60_000, QR: 40_000 },
    updated_at: Date.UTC(2026, 10, 22, 2, 0, 5),
    ...over,
  });
}

/** The real sink (`tsx src/main.ts`) as a child process. */
export function spawnSink(env: Record<string, string>): ServiceProcess {
  return new ServiceProcess(
    MAIN,
    {
      KAFKA_BROKERS: ENDPOINTS.kafkaBrokers,
      ...ENDPOINTS.registry,
      PG_URL,
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_S: '20',
      ...env,
    },
    { cwd: PACKAGE_DIR },
  );
}
