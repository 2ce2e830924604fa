import type { ClickHouseClient } from '@clickhouse/client';
import {
  AvroSerde,
  ConsumerRunner,
  createKafka,
  ensureTopics,
  type Logger,
  type ServiceRuntime,
} from '@retail-stream/runtime';
import { Partitioners, type Producer } from 'kafkajs';
import { BatchWriter } from './batch-writer.ts';
import { connectClickhouse } from './clickhouse-connection.ts';
import { ClickhouseWriter } from './clickhouse-writer.ts';
import type { SinkConfig } from './config.ts';
import { ensureDatabase, migrate } from './migrator.ts';
import { createSinkHandler } from './sink-handler.ts';
import { sinkMetrics } from './sink-metrics.ts';

type Registry = ServiceRuntime['metrics'];

export interface SinkService {
  start(): Promise<void>;
  isReady(): boolean;
  /** Stops intake; the batch in flight finishes (its rows flushed) and is committed. */
  stop(): Promise<void>;
  /** Flushes anything still buffered, then closes the producer and ClickHouse connections. */
  close(): Promise<void>;
}

export async function createSinkService(deps: {
  config: SinkConfig;
  logger: Logger;
  metrics: Registry;
  onFatal: (err: unknown) => void;
}): Promise<SinkService> {
  const { config, logger } = deps;
  const client: ClickHouseClient = connectClickhouse(config, {
    maxOpenConnections: 16,
  });
  if (config.SINK_MIGRATE) {
    const admin = connectClickhouse(config, { database: 'default' });
    try {
      await ensureDatabase(admin, config.CLICKHOUSE_DATABASE);
    } finally {
      await admin.close();
    }
    const applied = await migrate(client);
    logger.info({ database: config.CLICKHOUSE_DATABASE, applied }, 'clickhouse schema up to date');
  }
  await ensureTopics(config.KAFKA_BROKERS, [{ topic: config.SINK_DLQ_TOPIC }]);

  const kafka = createKafka(config, 'clickhouse-sink', logger);
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    // Dead letters keep their original key; the default (murmur2) partitioner, stated to silence kafkajs.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const metrics = sinkMetrics(deps.metrics);
  const chWriter = new ClickhouseWriter(client, config.SINK_MAX_BATCH_ROWS, metrics);
  const batchWriter = new BatchWriter(
    {
      maxRows: config.SINK_MAX_BATCH_ROWS,
      intervalMs: config.SINK_FLUSH_INTERVAL_MS,
      maxInFlight: config.SINK_MAX_INFLIGHT_FLUSHES,
    },
    (rows) => chWriter.write(rows),
  );
  const runner = new ConsumerRunner({
    kafka,
    groupId: config.SINK_GROUP_ID,
    topics: [config.SINK_EVENTS_TOPIC, config.SINK_KPI_TOPIC],
    logger,
    metrics: deps.metrics,
    commitMode: 'after-batch',
    partitionsConsumedConcurrently: config.SINK_PARTITIONS_CONCURRENTLY,
    maxBytesPerPartition: config.SINK_MAX_BYTES_PER_PARTITION,
    sessionTimeoutMs: config.SINK_SESSION_TIMEOUT_MS,
    retry: { initialMs: config.SINK_RETRY_INITIAL_MS, maxMs: config.SINK_RETRY_MAX_MS, jitter: 0.5 },
    onFatal: deps.onFatal,
    handle: createSinkHandler({
      serde: AvroSerde.fromUrl(config.SCHEMA_REGISTRY_URL),
      writer: batchWriter,
      producer,
      dlqTopic: config.SINK_DLQ_TOPIC,
      logger,
      metrics,
    }),
  });

  return {
    start: () => runner.start(),
    isReady: () => runner.isReady(),
    stop: () => runner.stop(),
    async close() {
      await batchWriter.close();
      await Promise.allSettled([producer.disconnect(), client.close()]);
    },
  };
}
