import { setTimeout as sleep } from 'node:timers/promises';
import {
  AvroSerde,
  backoffDelayMs,
  ConsumerRunner,
  createKafka,
  defaultBackoff,
  TransientError,
  type Logger,
} from '@retail-stream/runtime';
import type cassandra from 'cassandra-driver';
import type { Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createCassandraClient } from './cassandra-client.ts';
import { toCassandraError } from './cassandra-errors.ts';
import type { CassandraSinkConfig } from './config.ts';
import { ProjectionStore } from './projection-store.ts';
import { createSinkHandler, PROCESSOR } from './sink-handler.ts';

export interface CassandraSink {
  isReady(): boolean;
  /** Finishes the batch in flight (and its commit), then leaves the group. */
  stop(): Promise<void>;
  /** Closes the DLQ producer and the Cassandra client. */
  close(): Promise<void>;
}

/** Connects (retrying while Cassandra is not reachable), then starts consuming. */
export async function startCassandraSink(deps: {
  config: CassandraSinkConfig;
  logger: Logger;
  metrics: Registry;
  signal: AbortSignal;
  onFatal: (err: unknown) => void;
}): Promise<CassandraSink> {
  const { config, logger, metrics, signal } = deps;
  const client = await connectWithRetry(config, logger, signal);
  const kafka = createKafka(config, PROCESSOR, logger);
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const serde = AvroSerde.fromUrl(config.SCHEMA_REGISTRY_URL);
  const store = new ProjectionStore({
    client,
    keyspace: config.CASSANDRA_KEYSPACE,
    metrics,
    maxBatchStatements: config.SINK_MAX_BATCH_STATEMENTS,
    concurrency: config.SINK_WRITE_CONCURRENCY,
  });
  const handle = createSinkHandler({
    serde,
    store,
    logger,
    metrics,
    sendDeadLetters: async (messages) => {
      try {
        await producer.send({ topic: config.SINK_DLQ_TOPIC, acks: -1, messages });
      } catch (err) {
        throw new TransientError('DLQ_SEND_FAILED', `dead letters: ${(err as Error).message}`, err);
      }
    },
  });
  const runner = new ConsumerRunner({
    kafka,
    groupId: config.SINK_GROUP_ID,
    topics: [config.SINK_TOPIC],
    logger,
    metrics,
    handle,
    onFatal: deps.onFatal,
    partitionsConsumedConcurrently: config.SINK_PARTITIONS_CONCURRENTLY,
    maxBytesPerPartition: config.SINK_MAX_BYTES_PER_PARTITION,
    sessionTimeoutMs: config.SINK_SESSION_TIMEOUT_MS,
    retry: { initialMs: config.SINK_RETRY_INITIAL_MS, maxMs: config.SINK_RETRY_MAX_MS, jitter: 0.5 },
  });
  await runner.start();
  logger.info(
    { topic: config.SINK_TOPIC, group: config.SINK_GROUP_ID, keyspace: config.CASSANDRA_KEYSPACE },
    'cassandra sink consuming',
  );
  return {
    isReady: () => runner.isReady(),
    stop: () => runner.stop(),
    close: async () => {
      await producer.disconnect().catch(() => undefined);
      await client.shutdown();
    },
  };
}

async function connectWithRetry(
  config: CassandraSinkConfig,
  logger: Logger,
  signal: AbortSignal,
): Promise<cassandra.Client> {
  for (let attempt = 1; ; attempt++) {
    const client = createCassandraClient(config, { applicationName: PROCESSOR });
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.shutdown().catch(() => undefined);
      const e = toCassandraError(err, 'connect');
      if (!e.retriable || signal.aborted) throw e;
      const delay = backoffDelayMs(attempt, defaultBackoff);
      logger.warn({ err: e, attempt, delayMs: delay }, 'cassandra not reachable: retrying');
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) throw e;
    }
  }
}
