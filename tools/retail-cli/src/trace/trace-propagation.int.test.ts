import { serviceEnv } from '@retail-stream/infra';
import { ingestConfig, startIngestProcessor } from '@retail-stream/ingest-processor';
import { kpiConfig, startKpiWindows } from '@retail-stream/kpi-windows';
import { relayConfig, startOutboxRelay } from '@retail-stream/outbox-relay';
import { postgresSinkSpec, sinkConfig as postgresSinkConfig } from '@retail-stream/postgres-sink';
import {
  AvroSerde,
  configureTracing,
  createKafka,
  createLogger,
  parseConfig,
  resetTracing,
  SpanKind,
  STORE_EPOCH_HEADER,
  type RunningService,
} from '@retail-stream/runtime';
import { startSinkService } from '@retail-stream/runtime/sink-kit';
import {
  captureLogger,
  deleteTestGroups,
  freePort,
  metricValue,
  OtlpReceiver,
  signedByStores,
  startInProcess,
  Teardowns,
  testEndpoints,
  testPgDatabase,
  testPgSchema,
  TestProducer,
  testRelaySigningKey,
  testTopics,
  TopicCollector,
  TEST_SIGNING_MASTER_KEYS,
  uniqueName,
  waitFor,
  type InProcessDeps,
  type InProcessService,
  type LogLine,
  type TestPgDatabase,
} from '@retail-stream/runtime/testing';
import { posEventRecord, registerAll, type StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { prepareStoreDatabase, storeDatabaseName } from '@retail-stream/store-edge';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * W3C trace context across the pipeline (issue 15), with every part real and in this process:
 * store outbox row (with the checkout request's traceparent, as the store edge writes it) → outbox
 * relay → raw topic → ingest → enriched topic → KPI windows and the Postgres sink. Every part logs at
 * debug (one line per record, in the record's trace) and exports spans to an OTLP/HTTP JSON receiver
 * of the test kit (no OpenTelemetry Collector here).
 */
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const CHECKOUT_SPAN = 'b7ad6b7169203331';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

const endpoints = testEndpoints(serviceEnv());
const name = uniqueName('tp');
const storeId = uniqueName('tps').replace(/-/g, '_');
const teardowns = new Teardowns({ ignoreErrors: true });
const groups = { ingest: `${name}-ingest`, kpi: `${name}-kpi`, pg: `${name}-pg` };
const logs: Record<string, LogLine[]> = {};
const services: InProcessService<RunningService>[] = [];
let topics: Record<string, string>;
let storeDb: TestPgDatabase;
let receiver: OtlpReceiver;
let kafka: Kafka;
let serde: AvroSerde;
let producer: TestProducer;
let raw: TopicCollector;
let enriched: TopicCollector;
let dlq: TopicCollector;
const factory = new StoreEventFactory(storeId);

beforeAll(async () => {
  const { brokers, pgUrl, env } = endpoints;
  receiver = teardowns.add(await OtlpReceiver.start(), (r) => r.close());
  configureTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: 50 });
  teardowns.push(() => resetTracing());
  const t = await testTopics(brokers, 'tp', {
    pos: 1,
    enriched: 1,
    dlq: 1,
    dups: 1,
    kpi: 1,
    state: 1,
    alerts: 1,
    refStores: 1,
    refProducts: 1,
    kpiStore: 1,
    kpiChangelog: 1,
    kpiLate: 1,
  });
  teardowns.add(t, (x) => x.drop());
  topics = t as unknown as Record<string, string>;
  teardowns.push(() => deleteTestGroups(brokers, [...Object.values(groups), `${groups.kpi}-chain`]));
  storeDb = teardowns.add(
    await testPgDatabase(pgUrl, {
      name: storeDatabaseName(storeId),
      create: (admin) => prepareStoreDatabase(admin, storeId),
    }),
    (d) => d.drop(),
  );
  const hqSchema = teardowns.add(testPgSchema(pgUrl, 'tphq'), (s) => s.drop()).name;
  serde = AvroSerde.fromConfig(endpoints.registry);
  await registerAll(serde, { registryUrl: endpoints.registryUrl });
  kafka = createKafka(
    { KAFKA_BROKERS: brokers, KAFKA_CONNECTION_TIMEOUT_MS: 3_000, KAFKA_REQUEST_TIMEOUT_MS: 30_000 },
    name,
    createLogger({ service: name, level: 'warn' }),
  );
  producer = teardowns.add(await TestProducer.connect(brokers, name), (p) => p.close());
  raw = teardowns.add(await new TopicCollector(brokers, t.pos, name).start(), (c) => c.stop());
  enriched = teardowns.add(await new TopicCollector(brokers, t.enriched, name).start(), (c) => c.stop());
  dlq = teardowns.add(await new TopicCollector(brokers, t.dlq, name).start(), (c) => c.stop());
  teardowns.push(async () => {
    for (const s of services.splice(0).reverse()) await s.stop().catch(() => undefined);
  });

  const base = { ...env, LOG_LEVEL: 'debug', SIGNING_MASTER_KEYS: TEST_SIGNING_MASTER_KEYS };
  const start = async (service: string, run: (d: InProcessDeps) => Promise<RunningService>) => {
    const { logger, lines } = captureLogger(service, 'debug');
    logs[service] = lines;
    services.push(
      await startInProcess(run, { name: service, logger, waitReady: true, readyTimeoutMs: 60_000 }),
    );
  };
  const ingest = parseConfig(ingestConfig, {
    ...base,
    INGEST_GROUP_ID: groups.ingest,
    INGEST_INPUT_TOPIC: t.pos,
    INGEST_OUTPUT_TOPIC: t.enriched,
    INGEST_DLQ_TOPIC: t.dlq,
    INGEST_ALERTS_TOPIC: t.alerts,
    INGEST_STATE_TOPIC: t.state,
    INGEST_DUPLICATES_TOPIC: t.dups,
    INGEST_REF_STORES_TOPIC: t.refStores,
    INGEST_REF_PRODUCTS_TOPIC: t.refProducts,
    INGEST_TOPIC_PARTITIONS: '1',
    INGEST_SESSION_TIMEOUT_MS: '6000',
    INGEST_REGISTER_SCHEMAS: 'true',
  });
  await start('ingest-processor', (d) => startIngestProcessor({ ...d, config: ingest, kafka, serde }));
  const kpi = parseConfig(kpiConfig, {
    ...base,
    KPI_INPUT_TOPIC: t.enriched,
    KPI_OUTPUT_TOPIC: t.kpi,
    KPI_STORE_WINDOWS_TOPIC: t.kpiStore,
    KPI_CHANGELOG_TOPIC: t.kpiChangelog,
    KPI_LATE_TOPIC: t.kpiLate,
    KPI_DLQ_TOPIC: t.dlq,
    KPI_GROUP_ID: groups.kpi,
    KPI_CHAIN_GROUP_ID: `${groups.kpi}-chain`,
    KPI_SESSION_TIMEOUT_MS: '6000',
    KPI_EMIT_INTERVAL_MS: '0',
    KPI_REGISTER_SCHEMAS: 'true',
    KPI_OUTPUT_PARTITIONS: '1',
  });
  await start('kpi-windows', (d) => startKpiWindows({ ...d, config: kpi, kafka, registry: d.metrics }));
  const pg = parseConfig(postgresSinkConfig, {
    ...base,
    HQ_PG_SCHEMA: hqSchema,
    SINK_EVENTS_TOPIC: t.enriched,
    SINK_KPI_TOPIC: t.kpi,
    SINK_DLQ_TOPIC: t.dlq,
    SINK_GROUP_ID: groups.pg,
    SINK_SESSION_TIMEOUT_MS: '6000',
  });
  await start('postgres-sink', (d) => startSinkService(postgresSinkSpec(pg), d));
  const relay = parseConfig(relayConfig, {
    ...base,
    STORE_ID: storeId,
    PG_URL: pgUrl,
    RELAY_TOPIC: t.pos,
    RELAY_SIGNING_KEY: testRelaySigningKey(storeId),
    RELAY_POLL_INTERVAL_MS: '200',
    OPS_PORT: '0',
  });
  const { logger, lines } = captureLogger('outbox-relay', 'debug');
  logs['outbox-relay'] = lines;
  services.push(
    await startInProcess((d) => startOutboxRelay({ config: relay, logger, metrics: d.metrics }), {
      name: 'outbox-relay',
      logger,
    }),
  );
}, 240_000);

afterAll(() => teardowns.run(), 120_000);

/** Outbox rows as the store edge writes them, with the request's traceparent (migrations/0006). */
async function commit(events: readonly StoreEvent[], traceparent: string | null): Promise<void> {
  for (const e of events) {
    await storeDb.pool.query(
      `INSERT INTO outbox (store_id, store_seq, event_id, event_type, occurred_at, trace_id, traceparent, payload)
       VALUES ($1, $2, $3::uuid, $4, to_timestamp($5 / 1000.0), $6, $7, $8::jsonb)`,
      [
        e.store_id,
        e.store_seq,
        e.event_id,
        e.event_type,
        e.occurred_at,
        e.trace_id,
        traceparent,
        JSON.stringify(e),
      ],
    );
  }
  await storeDb.pool.query('SELECT pg_notify($1, $2)', ['outbox_new', JSON.stringify({ store_id: storeId })]);
}

const linesWithTrace = (service: string, traceId: string) =>
  (logs[service] ?? []).filter((l) => l.trace_id === traceId);

describe('W3C trace context across relay → ingest → KPI windows and the Postgres sink (real Kafka, registry, PG)', () => {
  it('one sale keeps its trace id from the checkout request to every service, each hop a child span', async () => {
    const sale = { ...factory.sale(2), trace_id: TRACE };
    await commit([sale], `00-${TRACE}-${CHECKOUT_SPAN}-01`);

    // Raw record: the relay's span, child of the checkout request's.
    const [rawRecord] = await raw.waitForKey(storeId, 1, 60_000);
    const rawTp = TRACEPARENT.exec(rawRecord!.headers.traceparent ?? '');
    expect(rawTp?.[1]).toBe(TRACE);
    const relaySpan = rawTp![2]!;
    expect(relaySpan).not.toBe(CHECKOUT_SPAN);

    // Enriched record: same trace, ingest's own span (the parent KPI windows and the sinks see).
    const [enrichedRecord] = await enriched.waitForKey(storeId, 1, 60_000);
    const enrichedTp = TRACEPARENT.exec(enrichedRecord!.headers.traceparent ?? '');
    expect(enrichedTp?.[1]).toBe(TRACE);
    const ingestSpan = enrichedTp![2]!;
    expect(ingestSpan).not.toBe(relaySpan);
    expect(enrichedTp![3]).toBe('01');

    // Every service logged the event in its trace.
    for (const service of ['outbox-relay', 'ingest-processor', 'kpi-windows', 'postgres-sink']) {
      await waitFor(() => linesWithTrace(service, TRACE).length > 0, {
        timeoutMs: 60_000,
        what: `a ${service} log line with trace_id ${TRACE}`,
      });
    }
    expect(linesWithTrace('outbox-relay', TRACE)[0]).toMatchObject({
      msg: 'publish kafka',
      span_id: relaySpan,
    });
    expect(linesWithTrace('ingest-processor', TRACE)[0]).toMatchObject({
      msg: 'ingest enrich',
      span_id: ingestSpan,
    });
    expect(linesWithTrace('kpi-windows', TRACE)[0]!.span_id).not.toBe(ingestSpan);
    expect(linesWithTrace('postgres-sink', TRACE)[0]).toMatchObject({ msg: 'postgres write' });

    // The exported spans form one tree: checkout → relay → ingest → {KPI windows, Postgres sink}.
    await waitFor(() => receiver.spans.filter((s) => s.traceId === TRACE).length >= 4, {
      timeoutMs: 30_000,
      what: 'four spans of the trace exported',
    });
    const spans = receiver.spans.filter((s) => s.traceId === TRACE);
    expect(spans.find((s) => s.spanId === relaySpan)).toMatchObject({
      service: 'outbox-relay',
      name: 'publish kafka',
      kind: SpanKind.producer,
      parentSpanId: CHECKOUT_SPAN,
      attributes: { 'messaging.message.id': sale.event_id },
    });
    expect(spans.find((s) => s.spanId === ingestSpan)).toMatchObject({
      service: 'ingest-processor',
      name: 'ingest enrich',
      parentSpanId: relaySpan,
    });
    expect(spans.find((s) => s.service === 'kpi-windows')).toMatchObject({
      name: 'kpi-windows aggregate',
      kind: SpanKind.consumer,
      parentSpanId: ingestSpan,
    });
    expect(spans.find((s) => s.service === 'postgres-sink')).toMatchObject({
      name: 'postgres write',
      parentSpanId: ingestSpan,
    });
    expect(receiver.refusals).toEqual([]);
  }, 180_000);

  it('a broken traceparent (outbox row, oversized raw header) gets a fresh trace and is counted; dead letters keep theirs', async () => {
    const counted = async (source: string, reason: string) =>
      metricValue(
        await services[0]!.metricsText(),
        'retail_trace_context_invalid_total',
        `source="${source}",reason="${reason}"`,
      ) ?? 0;
    const before = {
      outbox: await counted('outbox', 'malformed'),
      kafka: await counted('kafka', 'too_long'),
    };

    // An outbox row with an uppercase (invalid) traceparent: the relay starts the event's own trace.
    const sale = { ...factory.sale(1), trace_id: 'till-7-000123' };
    await commit([sale], `00-${TRACE.toUpperCase()}-${CHECKOUT_SPAN}-01`);
    const got = await raw.waitForKey(storeId, 2, 60_000);
    const tp = TRACEPARENT.exec(got.at(-1)!.headers.traceparent ?? '');
    expect(tp).not.toBeNull();
    expect(tp![1]).not.toBe(TRACE);
    await waitFor(async () => (await counted('outbox', 'malformed')) === before.outbox + 1, {
      what: 'the outbox traceparent counted',
    });

    // A raw record (signed, valid) with an oversized traceparent: ingest starts a new trace.
    const oversized = { ...factory.sale(1), trace_id: TRACE };
    const ids = await registerAll(serde, { registryUrl: endpoints.registryUrl });
    const r = posEventRecord(serde, (type) => ids[type], oversized);
    // The store.epoch header the relay sends: this database's epoch.
    const { rows } = await storeDb.pool.query<{ e: string }>('SELECT epoch_id::text AS e FROM store_epoch');
    const headers = {
      ...r.headers,
      [STORE_EPOCH_HEADER]: rows[0]!.e,
      traceparent: `cc-${TRACE}-${CHECKOUT_SPAN}-01-${'x'.repeat(300)}`,
    };
    await producer.send(topics.pos!, signedByStores([{ key: r.key, value: r.value, headers }]));
    const out = await enriched.waitForKey(storeId, 3, 60_000);
    const fresh = TRACEPARENT.exec(out.at(-1)!.headers.traceparent ?? '');
    expect(fresh).not.toBeNull();
    expect(fresh![1]).not.toBe(TRACE);
    await waitFor(async () => (await counted('kafka', 'too_long')) >= before.kafka + 1, {
      what: 'the raw header counted',
    });

    // A poison record: its dead letter keeps the traceparent it came with.
    const poisonTp = `00-${TRACE}-${CHECKOUT_SPAN}-01`;
    await producer.send(
      topics.pos!,
      signedByStores([{ key: storeId, value: Buffer.from('not avro'), headers: { traceparent: poisonTp } }]),
    );
    const [dead] = await dlq.waitForKey(storeId, 1, 60_000);
    expect(dead!.headers.traceparent).toBe(poisonTp);
  }, 180_000);

  it('a down OTLP receiver: spans are dropped and counted, the pipeline does not wait for it', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    configureTracing({
      OTEL_EXPORTER_OTLP_ENDPOINT: down,
      OTEL_BSP_SCHEDULE_DELAY: 50,
      OTEL_BSP_MAX_QUEUE_SIZE: 20,
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 10,
      exporter: { maxAttempts: 2, backoffMs: 50 },
    });
    const dropped = async () => {
      const text = await services[0]!.metricsText();
      return (
        (metricValue(text, 'retail_otlp_spans_dropped_total', 'reason="queue_full"') ?? 0) +
        (metricValue(text, 'retail_otlp_spans_dropped_total', 'reason="export_failed"') ?? 0)
      );
    };
    const before = await dropped();
    const already = (await enriched.waitForKey(storeId, 1)).length;
    const sales = factory.sales(200).map((s) => ({ ...s, trace_id: TRACE }));
    await commit(sales, `00-${TRACE}-${CHECKOUT_SPAN}-01`);
    // Every event goes through while every span has nowhere to go.
    await enriched.waitForKey(storeId, already + 200, 120_000);
    await waitFor(async () => (await dropped()) > before, { what: 'spans dropped and counted' });
    // The sink wrote them all as well (its debug lines: one per record, after the write).
    await waitFor(
      () =>
        (logs['postgres-sink'] ?? []).filter((l) => l.msg === 'postgres write' && l.trace_id === TRACE)
          .length >= 201,
      { timeoutMs: 120_000, what: 'the Postgres sink wrote every sale' },
    );
  }, 240_000);
});
