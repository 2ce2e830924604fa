import fs from 'node:fs';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { serviceEnv } from '@retail-stream/infra';
import { AvroSerde, parseConfig, type RunningService } from '@retail-stream/runtime';
import { startSinkService } from '@retail-stream/runtime/sink-kit';
import {
  metricSum,
  packageDirs,
  ServiceProcess,
  startInProcess,
  testClickHouseDatabase,
  testEndpoints,
  testTopics,
  uniqueName,
  type TestClickHouseDatabase,
  type TestTopics,
} from '@retail-stream/runtime/testing';
import { registerAll, type Enrichment, type KpiWindowUpdated, type StoreEvent } from '@retail-stream/schemas';
import {
  eventSkus,
  kpiWindowFixture,
  kpiWindowMessage,
  storeEventMessage,
} from '@retail-stream/schemas/testing';
import type { Message } from 'kafkajs';
import { sinkConfig, type SinkConfig } from '../src/config.ts';
import { migrate } from '../src/migrator.ts';
import { salesTotalsByStoreDay } from '../src/queries.ts';
import { TABLES } from '../src/rows.ts';
import { clickhouseSinkSpec } from '../src/writer.ts';

export const ENDPOINTS = testEndpoints(serviceEnv());
export const { brokers: BROKERS, registryUrl: REGISTRY_URL, clickhouseUrl: CLICKHOUSE_URL } = ENDPOINTS;
export const { packageDir: PACKAGE_DIR, repoRoot: REPO_ROOT } = packageDirs(import.meta.url);

// ── ClickHouse ────────────────────────────────────────────────────────────────────────────────

export type TestDatabase = TestClickHouseDatabase;

/** A fresh database migrated by the sink's migrator (`chsink_…`), dropped by drop(). */
export function createTestDatabase(prefix = 'chsink'): Promise<TestDatabase> {
  return testClickHouseDatabase(CLICKHOUSE_URL, { prefix, migrate });
}

/** Raw (uncollapsed) rows across all tables: to know the sink wrote something, copies included. */
export async function rawRowCount(client: ClickHouseClient): Promise<number> {
  let n = 0;
  for (const t of TABLES) {
    const rs = await client.query({ query: `SELECT count() AS n FROM ${t}`, format: 'JSONEachRow' });
    n += Number((await rs.json<{ n: string }>())[0]!.n);
  }
  return n;
}

/** Orders and total per store over all its days, from the collapsed sales (what expectedSales gives). */
export async function salesTotalsByStore(
  client: ClickHouseClient,
): Promise<Map<string, { orders: number; total: number }>> {
  const totals = new Map<string, { orders: number; total: number }>();
  for (const r of await salesTotalsByStoreDay(client)) {
    const t = totals.get(r.store_id) ?? { orders: 0, total: 0 };
    t.orders += r.orders;
    t.total += r.total_minor;
    totals.set(r.store_id, t);
  }
  return totals;
}

// ── Kafka input ───────────────────────────────────────────────────────────────────────────────

let ids: Promise<Record<string, number>> | undefined;
const serde = AvroSerde.fromConfig(ENDPOINTS.registry);

/** Registry ids of the catalogue's schemas (registered once; idempotent). */
export function schemaIds(): Promise<Record<string, number>> {
  ids ??= registerAll(serde, { registryUrl: REGISTRY_URL });
  return ids;
}

/** What the ingest processor adds: store and product reference data. */
export function enrichmentFor(e: StoreEvent, storeName = `Store ${e.store_id}`): Enrichment {
  return {
    store_known: true,
    store_name: storeName,
    region: 'South',
    timezone: 'Asia/Ho_Chi_Minh',
    products: eventSkus(e).map((sku) => ({
      sku,
      known: true,
      category: 'Food',
      brand: `brand-${sku}`,
      drug: null,
    })),
    ingested_at: e.occurred_at + 50,
    pharmacy_code: null,
  };
}

/** Records as on retail.events.enriched: enrichment set, key store_id, the three headers. */
export async function enrichedMessages(events: readonly StoreEvent[]): Promise<Message[]> {
  const byType = await schemaIds();
  return events.map((e) => storeEventMessage(serde, byType, { ...e, enrichment: enrichmentFor(e) }));
}

export async function kpiMessages(windows: readonly KpiWindowUpdated[]): Promise<Message[]> {
  const byType = await schemaIds();
  return windows.map((k) => kpiWindowMessage(serde, byType, k));
}

/** A valid KPI window (store s1, M15); `over` replaces any field. */
export const kpiWindow = kpiWindowFixture;

/** The sink's input and output topics (`chsink-events-…` with `partitions`, kpi and dlq with one). */
export function createTestTopics(partitions = 3): Promise<TestTopics<'events' | 'kpi' | 'dlq'>> {
  return testTopics(BROKERS, 'chsink', { events: partitions, kpi: 1, dlq: 1 });
}

// ── the sink ──────────────────────────────────────────────────────────────────────────────────

/** The env main.ts would get for this database and these topics (a new consumer group). */
export function sinkEnv(
  db: string,
  topics: TestTopics<'events' | 'kpi' | 'dlq'>,
  over: Record<string, string> = {},
): Record<string, string> {
  return {
    KAFKA_BROKERS: ENDPOINTS.kafkaBrokers,
    ...ENDPOINTS.registry,
    CLICKHOUSE_URL,
    CLICKHOUSE_DATABASE: db,
    SINK_GROUP_ID: uniqueName('chsink-group'),
    SINK_EVENTS_TOPIC: topics.events,
    SINK_KPI_TOPIC: topics.kpi,
    SINK_DLQ_TOPIC: topics.dlq,
    SINK_FLUSH_INTERVAL_MS: '200',
    SINK_RETRY_INITIAL_MS: '100',
    SINK_RETRY_MAX_MS: '2000',
    LOG_LEVEL: process.env.CHSINK_TEST_LOG_LEVEL ?? 'warn',
    ...over,
  };
}

export interface InProcessSink {
  service: RunningService;
  config: SinkConfig;
  metricsText(): Promise<string>;
  stop(): Promise<void>;
}

/** Sum of retail_sink_rows_written_total over tables, from a /metrics text. */
export function rowsWritten(metricsText: string): number {
  return metricSum(metricsText, 'retail_sink_rows_written_total');
}

/** The sink service in this process (what main.ts wires, minus the HTTP server), once in its group. */
export async function startSink(env: Record<string, string>): Promise<InProcessSink> {
  const config = parseConfig(sinkConfig, env);
  const sink = await startInProcess((deps) => startSinkService(clickhouseSinkSpec(config), deps), {
    name: 'clickhouse-sink',
    logLevel: 'silent',
    waitReady: true,
  });
  return { service: sink.service, config, metricsText: sink.metricsText, stop: sink.stop };
}

/** main.ts as a child process, so it can be SIGKILLed. */
export class SinkProcess extends ServiceProcess {
  constructor(env: Record<string, string>) {
    super(
      path.join(PACKAGE_DIR, 'src', 'main.ts'),
      { NODE_ENV: 'test', ...env },
      {
        cwd: REPO_ROOT,
        // CHSINK_TEST_LOG=<file> (and CHSINK_TEST_LOG_LEVEL=info) keeps the child's log for debugging.
        onOutput: (c) => {
          if (process.env.CHSINK_TEST_LOG) fs.appendFileSync(process.env.CHSINK_TEST_LOG, c);
        },
      },
    );
  }

  override stop(killAfterMs = 15_000): Promise<number | null> {
    return super.stop(killAfterMs);
  }
}
