import type { Registry } from 'prom-client';
import { AvroSerde } from '../avro-serde.ts';
import { ConsumerRunner } from '../consumer-runner.ts';
import { createKafka } from '../kafka-client.ts';
import { ensureTopics } from '../kafka-topics.ts';
import type { Logger } from '../logger.ts';
import type { RunningService } from '../running-service.ts';
import type { BaseServiceConfig, KafkaConfig, SchemaRegistryConfig } from '../service-config.ts';
import { counter, gauge } from '../metric-factory.ts';
import { sinkMetrics } from '../sink-metrics.ts';
import { AsyncCommits } from './async-commits.ts';
import { DeadLetterProducer } from './dead-letter-producer.ts';
import type { SinkKitConfig } from './sink-config.ts';
import { createSinkHandler } from './sink-handler.ts';
import type { SinkContext, SinkStore } from './sink-store.ts';
import { WriteMeter } from './write-meter.ts';

/** A sink: its name, the topics it reads, its settings, and how to open its store. */
export interface SinkSpec<T> {
  /** The part's name (`postgres-sink`): Kafka clientId, dlq.processor, default consumer group. */
  name: string;
  /** Value of the metrics' `sink` label (`postgres`), what dashboards group by. */
  label: string;
  /** Input topics (all handled by the same store). */
  topics: string[];
  config: SinkKitConfig &
    KafkaConfig &
    SchemaRegistryConfig &
    Partial<Pick<BaseServiceConfig, 'MAX_UNKNOWN_ERROR_RETRIES'>>;
  /** Connects to the store (and migrates it if the sink does that); called before consuming. */
  open(ctx: SinkContext): Promise<SinkStore<T>>;
}

export interface SinkServiceDeps {
  logger: Logger;
  metrics: Registry;
  /** A non-retriable error stopped consumption (a bug): the process should shut down non-zero. */
  onFatal: (err: unknown) => void;
  /** Aborts startup retries (the store not reachable yet) when the process shuts down. */
  signal?: AbortSignal;
}

/**
 * Starts a sink: opens its store, makes sure its topics exist, connects the dead-letter producer
 * and joins the consumer group with the kit's handler. Resolves once consuming.
 */
export async function startSinkService<T>(spec: SinkSpec<T>, deps: SinkServiceDeps): Promise<RunningService> {
  const { logger } = deps;
  const cfg = spec.config;
  const metrics = sinkMetrics(deps.metrics);
  const store = await spec.open({
    logger,
    registry: deps.metrics,
    metrics,
    meter: new WriteMeter(metrics, spec.label),
    signal: deps.signal ?? new AbortController().signal,
    onFatal: deps.onFatal,
  });
  let deadLetters: DeadLetterProducer | undefined;
  try {
    await ensureTopics(
      cfg.KAFKA_BROKERS,
      [...spec.topics, cfg.SINK_DLQ_TOPIC].map((topic) => ({ topic })),
    );
    const kafka = createKafka(cfg, spec.name, logger);
    deadLetters = await DeadLetterProducer.connect(kafka, cfg.SINK_DLQ_TOPIC);
    const retry = { initialMs: cfg.SINK_RETRY_INITIAL_MS, maxMs: cfg.SINK_RETRY_MAX_MS, jitter: 0.5 };
    const commits = store.pipelined ? pipelinedCommits(store.pipelined) : undefined;
    const runner: ConsumerRunner = new ConsumerRunner({
      kafka,
      groupId: cfg.SINK_GROUP_ID,
      topics: spec.topics,
      logger,
      metrics: deps.metrics,
      commitMode: commits ? 'by-handler' : 'after-batch',
      partitionsConsumedConcurrently: cfg.SINK_PARTITIONS_CONCURRENTLY,
      maxBytesPerPartition: cfg.SINK_MAX_BYTES_PER_PARTITION,
      sessionTimeoutMs: cfg.SINK_SESSION_TIMEOUT_MS,
      maxUnknownErrorRetries: cfg.MAX_UNKNOWN_ERROR_RETRIES,
      retry,
      onFatal: deps.onFatal,
      handle: createSinkHandler({
        name: spec.name,
        label: spec.label,
        store,
        serde: AvroSerde.fromConfig(cfg),
        deadLetters,
        metrics,
        logger,
        commits,
      }),
    });
    await runner.start();
    logger.info(
      { topics: spec.topics, group: cfg.SINK_GROUP_ID, dlq: cfg.SINK_DLQ_TOPIC },
      `${spec.name} consuming`,
    );
    const dlq = deadLetters;
    return {
      isReady: () => runner.isReady(),
      async stop() {
        if (commits) {
          // Finish what was handed over and commit it while still in the group; a write that
          // fails now is not retried (not committed: written again after the restart).
          runner.pauseAll();
          commits.stopRetrying();
          await commits.drain();
        }
        await runner.stop();
        await commits?.drain();
      },
      async close() {
        await store.close();
        await dlq.close();
      },
    };

    function pipelinedCommits(bounds: NonNullable<SinkStore<T>['pipelined']>): AsyncCommits {
      const retries = counter(
        deps.metrics,
        'retail_consumer_retries_total',
        'Batch retries after retriable errors',
        ['group', 'topic', 'code'],
      );
      const commits = new AsyncCommits({
        commit: (topic, partition, offset) => runner.commitOffset(topic, partition, offset),
        ...bounds,
        retry,
        maxUnknownErrorRetries: cfg.MAX_UNKNOWN_ERROR_RETRIES,
        logger,
        onRetry: (topic, code) => retries.inc({ group: cfg.SINK_GROUP_ID, topic, code }),
        onFatal: deps.onFatal,
      });
      // How close the sink is to its memory bound, read at scrape time (0 when idle).
      gauge(
        deps.metrics,
        'retail_sink_pending_bytes',
        'Record bytes of batches handed to the store and not yet durable (bounded by the pending-bytes budget)',
        ['group'],
        (g) => g.set({ group: cfg.SINK_GROUP_ID }, commits.bytesPending),
      );
      return commits;
    }
  } catch (err) {
    await deadLetters?.close();
    await store.close().catch(() => undefined);
    throw err;
  }
}
