import {
  AvroSerde,
  ConsumerRunner,
  createKafka,
  createServiceRuntime,
  ensureTopics,
  loadConfigOrExit,
} from '@retail-stream/runtime';
import { Partitioners } from 'kafkajs';
import { sinkConfig } from './config.ts';
import { hqPool, prepareDatabase } from './db.ts';
import { createBatchHandler } from './sink-handler.ts';
import { sinkMetrics } from './sink-metrics.ts';

/**
 * The Postgres HQ sink: `npm start -w @retail-stream/postgres-sink`. Consumes the enriched store
 * events and the KPI windows, writes each Kafka batch in one Postgres transaction (see README.md).
 */
const config = loadConfigOrExit(sinkConfig);
const rt = createServiceRuntime('postgres-sink', config);
const { logger } = rt;

// Filled once the runner exists; the readiness check is registered first so /readyz answers meanwhile.
const holder: { runner?: ConsumerRunner } = {};
rt.health.addCheck('consumer', () => (holder.runner?.isReady() ? true : 'not in the consumer group yet'));
await rt.serve(config.OPS_PORT);

const pool = hqPool(config.PG_URL, config.HQ_PG_SCHEMA, {
  max: config.PG_POOL_MAX,
  connectionTimeoutMillis: config.PG_CONNECT_TIMEOUT_MS,
  statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
  applicationName: 'postgres-sink',
});
await prepareDatabase(pool, config.HQ_PG_SCHEMA, logger);

const kafka = createKafka(config, 'postgres-sink', logger);
const { events, kpi, dlq } = {
  events: config.SINK_EVENTS_TOPIC,
  kpi: config.SINK_KPI_TOPIC,
  dlq: config.SINK_DLQ_TOPIC,
};
await ensureTopics(config.KAFKA_BROKERS, [{ topic: events }, { topic: kpi }, { topic: dlq }]);
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
});
await producer.connect();

const runner = new ConsumerRunner({
  kafka,
  groupId: config.SINK_GROUP_ID,
  topics: [events, kpi],
  logger,
  metrics: rt.metrics,
  partitionsConsumedConcurrently: config.SINK_CONCURRENCY,
  maxBytesPerPartition: config.SINK_MAX_BYTES_PER_PARTITION,
  sessionTimeoutMs: config.SINK_SESSION_TIMEOUT_MS,
  retry: { initialMs: 200, maxMs: config.SINK_RETRY_MAX_MS, jitter: 0.5 },
  handle: createBatchHandler({
    pool,
    serde: AvroSerde.fromUrl(config.SCHEMA_REGISTRY_URL),
    producer,
    topics: { events, kpi, dlq },
    metrics: sinkMetrics(rt.metrics),
    logger,
    insertMethod: config.SINK_INSERT_METHOD,
  }),
  onFatal: () => void rt.shutdown.trigger('non-retriable sink error', 1),
});
holder.runner = runner;
const started = runner;
rt.shutdown.onShutdown('consumer: finish and commit the batch in flight', () => started.stop(), 'drain');
rt.shutdown.onShutdown('dlq producer', () => producer.disconnect(), 'flush');
rt.shutdown.onShutdown('postgres pool', () => pool.end(), 'close');
await started.start();
logger.info(
  { topics: [events, kpi], group: config.SINK_GROUP_ID, schema: config.HQ_PG_SCHEMA },
  'postgres sink started',
);
