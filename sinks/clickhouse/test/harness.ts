import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { serviceEnv } from '@retail-stream/infra';
import {
  AvroSerde,
  createLogger,
  createMetricsRegistry,
  parseConfig,
  type Logger,
  type RunningService,
} from '@retail-stream/runtime';
import { startSinkService } from '@retail-stream/runtime/sink-kit';
import {
  createTestTopic,
  deleteTestTopic,
  sendInChunks,
  ServiceProcess,
  uniqueName,
  waitFor,
} from '@retail-stream/runtime/testing';
import { registerAll, type Enrichment, type KpiWindowUpdated, type StoreEvent } from '@retail-stream/schemas';
import {
  eventSkus,
  kpiWindowFixture,
  kpiWindowMessage,
  storeEventMessage,
} from '@retail-stream/schemas/testing';
import { Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import { connectClickhouse } from '../src/clickhouse-connection.ts';
import { sinkConfig, type SinkConfig } from '../src/config.ts';
import { ensureDatabase, migrate } from '../src/migrator.ts';
import { salesTotalsByStoreDay } from '../src/queries.ts';
import { TABLES } from '../src/rows.ts';
import { clickhouseSinkSpec } from '../src/writer.ts';

export const ENV = serviceEnv();
export const BROKERS = ENV.KAFKA_BROKERS!.split(',');
export const REGISTRY_URL = ENV.SCHEMA_REGISTRY_URL!;
export const CLICKHOUSE_URL = ENV.CLICKHOUSE_URL!;
export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');

const quiet: Logger = createLogger({ service: 'clickhouse-sink-test', level: 'silent' });

// ── ClickHouse ────────────────────────────────────────────────────────────────────────────────

export interface TestDatabase {
  name: string;
  client: ClickHouseClient;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own (`chsink_…`), dropped by drop(). */
export async function createTestDatabase(prefix = 'chsink'): Promise<TestDatabase> {
  const name = uniqueName(prefix).replace(/-/g, '_');
  const cfg = { CLICKHOUSE_URL, CLICKHOUSE_DATABASE: name, CLICKHOUSE_REQUEST_TIMEOUT_MS: 30_000 };
  const admin = connectClickhouse(cfg, { database: 'default' });
  await ensureDatabase(admin, name);
  const client = connectClickhouse(cfg);
  await migrate(client);
  return {
    name,
    client,
    async drop() {
      await client.close();
      await admin.command({ query: `DROP DATABASE IF EXISTS ${name}` });
      await admin.close();
    },
  };
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
const serde = AvroSerde.fromUrl(REGISTRY_URL);

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
    products: eventSkus(e).map((sku) => ({ sku, known: true, category: 'Food', brand: `brand-${sku}` })),
    ingested_at: e.occurred_at + 50,
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

export class TestProducer {
  private constructor(private readonly producer: Producer) {}

  static async connect(): Promise<TestProducer> {
    const kafka = new Kafka({ clientId: 'chsink-test', brokers: BROKERS, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    return new TestProducer(producer);
  }

  /** Sends in chunks (a produce request stays below the broker's 1 MiB default). */
  send(topic: string, messages: readonly Message[], chunkSize = 500): Promise<void> {
    return sendInChunks(this.producer, topic, messages, chunkSize);
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

export interface TestTopics {
  events: string;
  kpi: string;
  dlq: string;
  delete(): Promise<void>;
}

export async function createTestTopics(partitions = 3): Promise<TestTopics> {
  const events = await createTestTopic(BROKERS, 'chsink-events', partitions);
  const kpi = await createTestTopic(BROKERS, 'chsink-kpi', 1);
  const dlq = await createTestTopic(BROKERS, 'chsink-dlq', 1);
  return {
    events,
    kpi,
    dlq,
    async delete() {
      for (const t of [events, kpi, dlq]) await deleteTestTopic(BROKERS, 'chsink-test', t);
    },
  };
}

// ── the sink ──────────────────────────────────────────────────────────────────────────────────

/** The env main.ts would get for this database and these topics (a new consumer group). */
export function sinkEnv(
  db: string,
  topics: TestTopics,
  over: Record<string, string> = {},
): Record<string, string> {
  return {
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
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
  return metricsText
    .split('\n')
    .filter((l) => l.startsWith('retail_sink_rows_written_total{'))
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** The sink service in this process (what main.ts wires, minus the HTTP server). */
export async function startSink(env: Record<string, string>): Promise<InProcessSink> {
  const config = parseConfig(sinkConfig, env);
  const metrics = createMetricsRegistry('clickhouse-sink', { defaultMetrics: false });
  let fatal: unknown;
  const service = await startSinkService(clickhouseSinkSpec(config), {
    logger: quiet,
    metrics,
    onFatal: (err) => {
      fatal = err;
    },
  });
  await waitFor(() => service.isReady() || fatal !== undefined, { what: 'sink to join its group' });
  return {
    service,
    config,
    metricsText: () => metrics.metrics(),
    async stop() {
      await service.stop();
      await service.close();
    },
  };
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
