import { ConsumerRunner, type AvroSerde, type Logger, type RunningService } from '@retail-stream/runtime';
import type { Admin, Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { runBatchTransaction, type BatchTransactionDeps } from './batch-transaction.ts';
import type { IngestConfig } from './config.ts';
import { DedupChangelog } from './dedup-changelog.ts';
import { EventSchemas } from './event-schemas.ts';
import { countOpenGaps } from './gap-alerts.ts';
import { ingestMetrics } from './ingest-metrics.ts';
import { PartitionWorker } from './partition-worker.ts';
import type { ReferenceData } from './reference-data.ts';
import { ReferenceFeed } from './reference-feed.ts';
import { StoreEpochsFeed } from './store-epochs-feed.ts';
import { SignatureGate } from './signature-check.ts';
import { ensureIngestTopics } from './topic-setup.ts';

export { PROCESSOR_NAME } from './processor-name.ts';

export interface IngestProcessorDeps {
  config: IngestConfig;
  kafka: Kafka;
  serde: AvroSerde;
  logger: Logger;
  metrics: Registry;
  /** Called when consumption stopped on a non-retriable error (a bug): the service should exit. */
  onFatal(err: unknown): void;
  /** Aborts the catch-up wait at start (shutdown while loading). */
  signal?: AbortSignal;
}

export interface IngestProcessor extends RunningService {
  /** The reference data enrichment uses (read-only view for tests and diagnostics). */
  readonly refs: ReferenceData;
  /** True, or why not ready (for the readiness check's detail). */
  readiness(): true | string;
}

/**
 * retail.pos.events → validate → dedup → enrich → retail.events.enriched, exactly once: each input
 * batch's outputs, the changed dedup state and the input offsets are one Kafka transaction of the
 * partition's own transactional producer (batch-transaction.ts, partition-worker.ts). Resolves once
 * topics exist, schema ids are known, reference data and the dedup changelog are read to their end
 * (topic-setup.ts, reference-feed.ts, dedup-changelog.ts) and the consumer runs.
 */
export async function startIngestProcessor(deps: IngestProcessorDeps): Promise<IngestProcessor> {
  const { config: c, kafka, logger } = deps;
  const schemas = new EventSchemas({
    serde: deps.serde,
    registryUrl: c.SCHEMA_REGISTRY_URL,
    register: c.INGEST_REGISTER_SCHEMAS,
    timeoutMs: c.INGEST_REGISTRY_TIMEOUT_MS,
  });
  const feed = new ReferenceFeed({
    kafka,
    logger,
    schemas,
    storesTopic: c.INGEST_REF_STORES_TOPIC,
    productsTopic: c.INGEST_REF_PRODUCTS_TOPIC,
  });
  const changelog = new DedupChangelog({
    kafka,
    logger,
    topic: c.INGEST_STATE_TOPIC,
    catchUpTimeoutMs: c.INGEST_CATCH_UP_TIMEOUT_MS,
  });
  const epochs = new StoreEpochsFeed({ kafka, logger, topic: c.INGEST_STORE_EPOCHS_TOPIC });
  const workers = new Map<number, PartitionWorker>();
  const metrics = ingestMetrics(deps.metrics, () =>
    countOpenGaps(
      [...workers.values()].map((w) => w.states),
      Date.now(),
      c.INGEST_GAP_ALERT_AFTER_MS,
    ),
  );
  const batchDeps: BatchTransactionDeps = {
    config: c,
    serde: deps.serde,
    schemas,
    refs: feed.refs,
    epochs,
    metrics,
    logger,
    signatures: new SignatureGate(c.SIGNING_MASTER_KEYS, deps.metrics, logger, feed.refs),
  };
  const admin: Admin = kafka.admin();
  let generation = 0;
  let caughtUp = false;

  const worker = (partition: number): PartitionWorker => {
    let w = workers.get(partition);
    if (!w) {
      w = new PartitionWorker({
        kafka,
        admin,
        groupId: c.INGEST_GROUP_ID,
        inputTopic: c.INGEST_INPUT_TOPIC,
        partition,
        transactionTimeoutMs: c.INGEST_TRANSACTION_TIMEOUT_MS,
        waitForChangelog: (p) => changelog.waitForPartition(p),
        changelogState: (store) => changelog.stateOf(store),
      });
      workers.set(partition, w);
    }
    return w;
  };

  const runner = new ConsumerRunner({
    kafka,
    groupId: c.INGEST_GROUP_ID,
    topics: [c.INGEST_INPUT_TOPIC],
    logger,
    metrics: deps.metrics,
    commitMode: 'by-handler',
    readCommitted: true,
    partitionsConsumedConcurrently: c.INGEST_PARTITIONS_CONCURRENTLY,
    maxBytesPerPartition: c.INGEST_MAX_BYTES_PER_PARTITION,
    sessionTimeoutMs: c.INGEST_SESSION_TIMEOUT_MS,
    maxUnknownErrorRetries: c.MAX_UNKNOWN_ERROR_RETRIES,
    onGroupJoin: (assignment) => {
      const partitions = assignment[c.INGEST_INPUT_TOPIC] ?? [];
      generation++;
      logger.info({ generation, partitions }, 'input partitions assigned');
      for (const [p, w] of workers) {
        if (!partitions.includes(p)) {
          workers.delete(p);
          void w.reset();
        }
      }
    },
    handle: (batch) => runBatchTransaction(batch, worker(batch.partition), generation, batchDeps),
    onFatal: deps.onFatal,
  });

  const close = async () => {
    await Promise.all([
      ...[...workers.values()].map((w) => w.reset()),
      feed.stop(),
      epochs.stop(),
      changelog.stop(),
    ]);
    await admin.disconnect().catch(() => undefined);
  };

  try {
    await admin.connect();
    await ensureIngestTopics(c, admin);
    await schemas.init();
    await feed.start();
    await changelog.start();
    await epochs.start();
    const catchUp = { timeoutMs: c.INGEST_CATCH_UP_TIMEOUT_MS, signal: deps.signal };
    await feed.waitCaughtUp(catchUp);
    await changelog.waitCaughtUp(catchUp);
    await epochs.waitCaughtUp(catchUp);
    caughtUp = true;
    logger.info(
      { stores: feed.refs.storeCount, products: feed.refs.productCount, dedupStates: changelog.size },
      'reference data and dedup changelog loaded',
    );
    await runner.start();
  } catch (err) {
    await runner.stop().catch(() => undefined);
    await close();
    throw err;
  }

  const readiness = (): true | string => {
    if (!caughtUp) return 'loading reference data and dedup state';
    return runner.isReady() ? true : 'consumer not joined';
  };
  return {
    refs: feed.refs,
    readiness,
    isReady: () => readiness() === true,
    // Graceful: the batch in flight finishes and commits its transaction.
    stop: () => runner.stop(),
    close,
  };
}
