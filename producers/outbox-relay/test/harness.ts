import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceEnv } from '@retail-stream/infra';
import { AvroSerde, ensureTopics, parseConfig } from '@retail-stream/runtime';
import {
  captureLogger as captureLoggerAs,
  createTestTopic,
  decodeAll as decodeAllAs,
  deleteTestTopic,
  freePort,
  KafkaNetworkFaults,
  registryConfigOf,
  ServiceProcess,
  startInProcess,
  testPgDatabase,
  testRelaySigningKey,
  TopicCollector as SharedTopicCollector,
  uniqueName,
  type LogLine,
  type Received,
} from '@retail-stream/runtime/testing';
import { registerAll, type StoreEvent } from '@retail-stream/schemas';
import { prepareStoreDatabase } from '@retail-stream/store-edge';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { relayConfig, type RelayConfig } from '../src/config.ts';
import { startOutboxRelay, type OutboxRelayService } from '../src/relay-service.ts';
import { storeDatabaseName } from '@retail-stream/store-edge';

export const ENV = serviceEnv();
export const BROKERS = ENV.KAFKA_BROKERS!.split(',');
export const REGISTRY_URL = ENV.SCHEMA_REGISTRY_URL!;
export const PG_URL = ENV.PG_URL!;
/** The registry URL with the stack's credentials (registering needs them once the registry has users). */
export const REGISTRY = registryConfigOf(REGISTRY_URL, ENV);
export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');

/** Store ids must be lower-case with underscores (they become database names). */
export function uniqueStoreId(prefix = 'r'): string {
  return uniqueName(prefix).replace(/-/g, '_');
}

// ── store database ────────────────────────────────────────────────────────────────────────────

export interface StoreDb {
  storeId: string;
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh store database migrated with the store edge's own migrations. */
export async function createStoreDb(storeId = uniqueStoreId()): Promise<StoreDb> {
  const db = await testPgDatabase(PG_URL, {
    name: storeDatabaseName(storeId),
    create: () => prepareStoreDatabase(PG_URL, storeId),
  });
  return { storeId, url: db.url, pool: db.pool, drop: db.drop };
}

/**
 * Appends events to the outbox as the store edge's writer would (same columns, payload = the
 * event), then NOTIFYs. `payloadOverride` replaces the stored payload of chosen events (to plant a
 * row that cannot be encoded).
 */
export async function insertOutbox(
  db: pg.Pool,
  events: readonly StoreEvent[],
  opts: { notify?: boolean; payloadOverride?: (e: StoreEvent) => unknown; chunk?: number } = {},
): Promise<void> {
  const chunk = opts.chunk ?? 2_000;
  for (let i = 0; i < events.length; i += chunk) {
    const part = events.slice(i, i + chunk).map((e) => ({
      store_id: e.store_id,
      store_seq: e.store_seq,
      event_id: e.event_id,
      event_type: e.event_type,
      occurred_at: new Date(e.occurred_at).toISOString(),
      trace_id: e.trace_id,
      payload: opts.payloadOverride ? opts.payloadOverride(e) : e,
    }));
    await db.query(
      `INSERT INTO outbox (store_id, store_seq, event_id, event_type, occurred_at, trace_id, payload)
       SELECT e.store_id, e.store_seq, e.event_id, e.event_type, e.occurred_at, e.trace_id, e.payload
         FROM jsonb_to_recordset($1::jsonb)
           AS e(store_id text, store_seq bigint, event_id uuid, event_type text, occurred_at timestamptz, trace_id text, payload jsonb)`,
      [JSON.stringify(part)],
    );
  }
  if (opts.notify !== false && events.length > 0) {
    await db.query('SELECT pg_notify($1, $2)', [
      'outbox_new',
      JSON.stringify({ store_id: events[0]!.store_id }),
    ]);
  }
}

export async function publishedState(db: pg.Pool, storeId: string) {
  const { rows } = await db.query<{ published: number; unpublished: number; cursor: string | null }>(
    `SELECT count(*) FILTER (WHERE published_at IS NOT NULL)::int AS published,
            count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished,
            (SELECT last_published_seq::text FROM sync_cursors WHERE store_id = $1 AND destination = 'kafka') AS cursor
       FROM outbox WHERE store_id = $1`,
    [storeId],
  );
  const r = rows[0]!;
  return {
    published: r.published,
    unpublished: r.unpublished,
    cursor: r.cursor === null ? null : Number(r.cursor),
  };
}

export async function relayStatusRow(db: pg.Pool, storeId: string) {
  const { rows } = await db.query<{ status: string; last_error: string | null; age_s: number }>(
    `SELECT status, last_error, extract(epoch FROM now() - last_seen_at)::float8 AS age_s
       FROM relay_status WHERE store_id = $1 AND destination = 'kafka'`,
    [storeId],
  );
  return rows[0];
}

// ── schema registry ───────────────────────────────────────────────────────────────────────────

let registered: Promise<Record<string, number>> | undefined;
/** Registers the catalogue once per process (idempotent on the registry). */
export function registerCatalogue(url = REGISTRY_URL): Promise<Record<string, number>> {
  const serde = AvroSerde.fromConfig(registryConfigOf(url, ENV));
  if (url !== REGISTRY_URL) return registerAll(serde, { registryUrl: url });
  registered ??= registerAll(serde, { registryUrl: url });
  return registered;
}

// ── Kafka ─────────────────────────────────────────────────────────────────────────────────────

export type { Received } from '@retail-stream/runtime/testing';

export const createTopic = (partitions = 1): Promise<string> =>
  createTestTopic(BROKERS, 'relay-test', partitions);

/** A one-partition test topic whose broker refuses record batches above `maxMessageBytes`. */
export async function createLimitedTopic(maxMessageBytes: number): Promise<string> {
  const topic = uniqueName('relay-test');
  await ensureTopics(BROKERS, [
    {
      topic,
      numPartitions: 1,
      configEntries: [{ name: 'max.message.bytes', value: String(maxMessageBytes) }],
    },
  ]);
  return topic;
}

export const deleteTopic = (topic: string): Promise<void> =>
  deleteTestTopic(BROKERS, 'relay-test-admin', topic);

/** Reads a topic from the beginning, keeping every record (duplicates included) in partition order. */
export class TopicCollector extends SharedTopicCollector {
  constructor(topic: string) {
    super(BROKERS, topic, 'relay-test-reader');
  }
}

/** Every record's value, decoded through the registry. */
export const decodeAll = (serde: AvroSerde, messages: readonly Received[]): Promise<StoreEvent[]> =>
  decodeAllAs<StoreEvent>(serde, messages);

/**
 * Network faults between the relay and the real broker: while `down`, new connections are refused
 * and existing ones are cut. The broker itself keeps running for everyone else.
 */
export class KafkaFaults extends KafkaNetworkFaults {
  constructor() {
    super({
      brokers: BROKERS,
      clientId: 'outbox-relay-test',
      requestTimeoutMs: 5_000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
      keepAliveMs: 60_000,
    });
  }
}

/** Teardowns a test file registers as it goes, run in reverse after each test. */
export type Cleanup = (() => Promise<unknown>)[];

/**
 * A fresh store database, a topic and a collector reading it, each with its teardown on `cleanup`.
 * `maxMessageBytes` sets the topic's max.message.bytes (one partition then).
 */
export async function setupStoreAndTopic(
  cleanup: Cleanup,
  partitions = 1,
  maxMessageBytes?: number,
): Promise<{ db: StoreDb; topic: string; collector: TopicCollector }> {
  const db = await createStoreDb();
  cleanup.push(() => db.drop());
  const topic =
    maxMessageBytes === undefined ? await createTopic(partitions) : await createLimitedTopic(maxMessageBytes);
  cleanup.push(() => deleteTopic(topic));
  const collector = await new TopicCollector(topic).start();
  cleanup.push(() => collector.stop());
  return { db, topic, collector };
}

// ── the relay ─────────────────────────────────────────────────────────────────────────────────

/** Relay settings for tests: short intervals, a test topic. */
export function testRelayEnv(
  storeId: string,
  topic: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    STORE_ID: storeId,
    PG_URL,
    KAFKA_BROKERS: ENV.KAFKA_BROKERS!,
    ...REGISTRY,
    RELAY_TOPIC: topic,
    // The store's key derived from the test kit's master (what ingest tests verify against).
    RELAY_SIGNING_KEY: testRelaySigningKey(storeId),
    RELAY_BATCH_SIZE: '500',
    RELAY_POLL_INTERVAL_MS: '500',
    RELAY_BACKOFF_INITIAL_MS: '100',
    RELAY_BACKOFF_MAX_MS: '1000',
    RELAY_HEALTH_INTERVAL_MS: '300',
    RELAY_PROBE_TIMEOUT_MS: '1000',
    RELAY_OFFLINE_AFTER_FAILURES: '2',
    RELAY_LEASE_RETRY_MS: '200',
    RELAY_BLOCKED_RECHECK_MS: '300',
    RELAY_REGISTRY_TIMEOUT_MS: '2000',
    KAFKA_CONNECTION_TIMEOUT_MS: '1000',
    KAFKA_REQUEST_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'warn',
    OPS_PORT: '0',
    ...overrides,
  };
}

/** A logger whose lines tests can inspect. */
export const captureLogger = (level = 'info') => captureLoggerAs('outbox-relay-test', level);

export interface InProcessRelay {
  service: OutboxRelayService;
  config: RelayConfig;
  lines: LogLine[];
  metricsText(): Promise<string>;
  stop(): Promise<void>;
}

export async function startRelay(
  env: Record<string, string>,
  opts: { kafka?: Kafka } = {},
): Promise<InProcessRelay> {
  const config = parseConfig(relayConfig, env);
  const { logger, lines } = captureLogger('info');
  const relay = await startInProcess(
    (deps) => startOutboxRelay({ config, logger, metrics: deps.metrics, kafka: opts.kafka }),
    { name: 'outbox-relay', logger },
  );
  return { service: relay.service, config, lines, metricsText: relay.metricsText, stop: relay.stop };
}

/** `metric{labels} value` → value (first series of that name). */
export function metricValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** main.ts as a child process (so it can be SIGKILLed), with its JSON log lines collected. */
export class RelayProcess extends ServiceProcess {
  constructor(
    env: Record<string, string>,
    readonly name = 'relay',
  ) {
    super(path.join(PACKAGE_DIR, 'src', 'main.ts'), { NODE_ENV: 'test', ...env }, { cwd: REPO_ROOT });
  }

  /** SIGTERM, and SIGKILL if the relay has not exited 10 s later. */
  override stop(killAfterMs = 10_000): Promise<number | null> {
    return super.stop(killAfterMs);
  }
}

// ── a schema registry of our own (to stop it without disturbing anyone) ───────────────────────

export { freePort };
export { ThrowawayRegistry } from './throwaway-registry.ts';
