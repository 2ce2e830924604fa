import { serviceEnv } from '@retail-stream/infra';
import { AvroSerde, createKafka, ensureTopics, parseConfig, seededRandom } from '@retail-stream/runtime';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import {
  deleteTestTopics,
  signedByStores,
  startInProcess,
  TEST_SIGNING_MASTER_KEYS,
  testEndpoints,
  uniqueName,
} from '@retail-stream/runtime/testing';
import { eventSchema, posEventRecord, registerAll, type StoreEvent } from '@retail-stream/schemas';
import type { Message } from 'kafkajs';
import type { Registry } from 'prom-client';
import { ingestConfig, type IngestConfig } from '../src/config.ts';
import { startIngestProcessor, type IngestProcessor } from '../src/ingest-processor.ts';

/** The processor's topics, all named after `name` (tests and the benchmark never share topics). */
export function ingestTopicNames(name: string) {
  return {
    INGEST_INPUT_TOPIC: `${name}-pos`,
    INGEST_OUTPUT_TOPIC: `${name}-enriched`,
    INGEST_DLQ_TOPIC: `${name}-dlq`,
    INGEST_ALERTS_TOPIC: `${name}-alerts`,
    INGEST_STATE_TOPIC: `${name}-state`,
    INGEST_DUPLICATES_TOPIC: `${name}-duplicates`,
    INGEST_REF_STORES_TOPIC: `${name}-ref-stores`,
    INGEST_REF_PRODUCTS_TOPIC: `${name}-ref-products`,
    INGEST_STORE_EPOCHS_TOPIC: `${name}-store-epochs`,
  };
}

/** Settings of one test: every topic and the group are new, so tests never see each other's data. */
export function testConfig(overrides: Record<string, string> = {}): IngestConfig {
  const endpoints = testEndpoints(serviceEnv());
  const name = uniqueName('ingest-it');
  return parseConfig(ingestConfig, {
    KAFKA_BROKERS: endpoints.kafkaBrokers,
    ...endpoints.registry,
    LOG_LEVEL: 'warn',
    SIGNING_MASTER_KEYS: TEST_SIGNING_MASTER_KEYS,
    INGEST_GROUP_ID: `${name}-group`,
    ...ingestTopicNames(name),
    INGEST_TOPIC_PARTITIONS: '3',
    INGEST_SESSION_TIMEOUT_MS: '6000',
    INGEST_REGISTER_SCHEMAS: 'true',
    ...overrides,
  });
}

export function topicsOf(c: IngestConfig): string[] {
  return [
    c.INGEST_INPUT_TOPIC,
    c.INGEST_OUTPUT_TOPIC,
    c.INGEST_DLQ_TOPIC,
    c.INGEST_ALERTS_TOPIC,
    c.INGEST_STATE_TOPIC,
    c.INGEST_DUPLICATES_TOPIC,
    c.INGEST_REF_STORES_TOPIC,
    c.INGEST_REF_PRODUCTS_TOPIC,
    c.INGEST_STORE_EPOCHS_TOPIC,
  ];
}

/** Schema ids of the catalogue (registered: the registry is shared and registration is idempotent). */
export async function catalogueIds(serde: AvroSerde, c: IngestConfig): Promise<Record<string, number>> {
  return registerAll(serde, { registryUrl: c.SCHEMA_REGISTRY_URL });
}

export async function createInputTopic(c: IngestConfig, partitions: number): Promise<void> {
  await ensureTopics(c.KAFKA_BROKERS, [{ topic: c.INGEST_INPUT_TOPIC, numPartitions: partitions }]);
}

export interface RunningProcessor {
  processor: IngestProcessor;
  metrics: Registry;
  fatal: unknown[];
  stop(): Promise<void>;
}

/** An in-process instance, as main.ts wires it (minus the ops server and signal handling). */
export async function startProcessor(c: IngestConfig, name = 'a'): Promise<RunningProcessor> {
  const running = await startInProcess(
    ({ logger, metrics, onFatal }) =>
      startIngestProcessor({
        config: c,
        kafka: createKafka(c, `ingest-test-${name}`, logger),
        serde: AvroSerde.fromConfig(c),
        logger,
        metrics,
        onFatal,
      }),
    { name: `ingest-test-${name}`, logLevel: c.LOG_LEVEL, defaultMetrics: true },
  );
  return { processor: running.service, metrics: running.metrics, fatal: running.fatal, stop: running.stop };
}

export async function metricValue(
  r: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const m = await r.getSingleMetric(name)?.get();
  const found = m?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return found?.value ?? 0;
}

/** The record the relay would write for `event`, signed with its store's test key. */
export function posMessage(serde: AvroSerde, ids: Record<string, number>, event: StoreEvent): Message {
  const r = posEventRecord(serde, (t) => ids[t], event);
  return signedByStores([{ key: r.key, value: r.value, headers: { ...r.headers } }])[0]!;
}

/**
 * `storeCount` stores (`<prefix>0`, `<prefix>1`, …) of `perStore` mixed events each, and their
 * relay records interleaved round-robin across the stores, as many tills selling at once would.
 */
export function interleavedStores(
  serde: AvroSerde,
  ids: Record<string, number>,
  prefix: string,
  storeCount: number,
  perStore: number,
): { stores: StoreEvent[][]; records: Message[] } {
  const stores = Array.from({ length: storeCount }, (_, i) =>
    new StoreEventFactory(`${prefix}${i}`, seededRandom(i)).mixed(perStore),
  );
  const records: Message[] = [];
  for (let i = 0; i < perStore; i++) for (const s of stores) records.push(posMessage(serde, ids, s[i]!));
  return { stores, records };
}

/** A record with a valid wire header and schema of `eventType` but a hand-made value (poison), unsigned. */
export function rawRecord(
  serde: AvroSerde,
  ids: Record<string, number>,
  eventType: string,
  key: string,
  value: object,
): Message {
  return { key, value: serde.encodeWith(ids[eventType]!, eventSchema(eventType).type, value) };
}

/** Deletes the test's topics that exist. */
export function deleteTopics(c: IngestConfig): Promise<void> {
  return deleteTestTopics(c.KAFKA_BROKERS, topicsOf(c));
}
