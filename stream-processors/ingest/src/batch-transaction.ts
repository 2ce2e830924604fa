import {
  errorCode,
  nowNs,
  phaseClock,
  schemaIdOf,
  traceDerivedRecords,
  produceRequests,
  storeEpochOf,
  TransientError,
  type AvroSerde,
  type ConsumedBatch,
  type Logger,
} from '@retail-stream/runtime';
import type { KafkaMessage, Message, TopicMessages } from 'kafkajs';
import type { IngestConfig } from './config.ts';
import type { EventSchemas } from './event-schemas.ts';
import { ageOpenGaps, gapAlertMessage } from './gap-alerts.ts';
import { recordCommittedBatch, type IngestMetrics } from './ingest-metrics.ts';
import type { PartitionWorker } from './partition-worker.ts';
import { PROCESSOR_NAME } from './processor-name.ts';
import { runPipeline } from './record-pipeline.ts';
import type { SignatureGate } from './signature-check.ts';
import type { ReferenceLookup } from './reference-data.ts';
import { serializeState } from './store-epoch-state.ts';
import type { StoreEpochsFeed } from './store-epochs-feed.ts';

export interface BatchTransactionDeps {
  config: IngestConfig;
  serde: AvroSerde;
  schemas: EventSchemas;
  refs: ReferenceLookup;
  epochs: Pick<StoreEpochsFeed, 'approvedEpoch' | 'waitCaughtUp'>;
  metrics: IngestMetrics;
  logger: Logger;
  signatures: SignatureGate;
}

/**
 * One input batch as one Kafka transaction of its partition's producer: enriched records, dead
 * letters, gap alerts, the changed dedup state (changelog) and the next input offset commit or
 * abort together. Records an earlier owner already committed (below the offset learned at restore)
 * are skipped. On any failure the transaction aborts, the worker forgets its state (restored again
 * from the changelog on the retry) and the error tells the runner whether to retry or stop.
 */
export async function runBatchTransaction(
  batch: ConsumedBatch,
  w: PartitionWorker,
  generation: number,
  deps: BatchTransactionDeps,
): Promise<void> {
  const { config: c, logger, metrics } = deps;
  const endTimer = metrics.batchSeconds.startTimer();
  const startedNs = nowNs();
  const clock = phaseClock(metrics.batchPhaseSeconds);
  const phase = clock.end;
  const { txn, skipBelow } = await w.begin(generation);
  phase('begin');
  let messages: KafkaMessage[] = batch.messages;
  if (skipBelow >= 0n && BigInt(messages[0]!.offset) < skipBelow) {
    messages = messages.filter((m) => BigInt(m.offset) >= skipBelow);
    logger.info(
      { partition: batch.partition, skipped: batch.messages.length - messages.length },
      'skipping records an earlier owner already committed',
    );
  }
  try {
    await deps.schemas.prepare(schemaIdsOf(messages));
    // A record of another epoch than its store's may have been started by an operator moments ago
    // (then redriven): read the decisions to their end first, so it is not held once more.
    if (hasOtherEpoch(messages, w))
      await deps.epochs.waitCaughtUp({ timeoutMs: c.INGEST_CATCH_UP_TIMEOUT_MS });
    phase('prepare');
    const now = Date.now();
    const result = runPipeline(messages, {
      topic: batch.topic,
      partition: batch.partition,
      schemas: deps.schemas,
      refs: deps.refs,
      stateOf: (store) => w.stateOf(store),
      setState: (store, state) => w.setState(store, state),
      approvedEpoch: (store) => deps.epochs.approvedEpoch(store),
      processor: PROCESSOR_NAME,
      now,
      maxFutureSkewMs: c.INGEST_MAX_FUTURE_SKEW_MS,
      maxEventAgeMs: c.INGEST_MAX_EVENT_AGE_MS,
      dedupWindow: c.INGEST_DEDUP_WINDOW,
      fastEncode: c.INGEST_FAST_ENCODE,
      signatures: deps.signatures,
    });
    phase('pipeline');
    const reports = result.gapReports;
    ageOpenGaps(w.states, now, c.INGEST_GAP_ALERT_AFTER_MS, reports, result.touchedStores);
    const topicMessages: TopicMessages[] = [];
    if (result.enriched.length > 0)
      topicMessages.push({ topic: c.INGEST_OUTPUT_TOPIC, messages: result.enriched });
    if (result.deadLetters.length > 0)
      topicMessages.push({ topic: c.INGEST_DLQ_TOPIC, messages: result.deadLetters });
    if (result.duplicateRecords.length > 0 && c.INGEST_DUPLICATES_TOPIC !== '')
      topicMessages.push({ topic: c.INGEST_DUPLICATES_TOPIC, messages: result.duplicateRecords });
    if (reports.length > 0) {
      const gapSchemaId = deps.schemas.idOf('SequenceGapDetected');
      topicMessages.push({
        topic: c.INGEST_ALERTS_TOPIC,
        messages: reports.map((r) => gapAlertMessage(deps.serde, gapSchemaId, r, now)),
      });
    }
    if (result.touchedStores.size > 0) {
      const changes: Message[] = [];
      for (const store of result.touchedStores) {
        changes.push({ key: store, value: serializeState(w.states.get(store)!), partition: batch.partition });
      }
      topicMessages.push({ topic: c.INGEST_STATE_TOPIC, messages: changes });
    }
    for (const request of produceRequests(topicMessages, c.INGEST_MAX_REQUEST_BYTES)) {
      await txn.sendBatch({ topicMessages: request, acks: -1 });
    }
    phase('send');
    if (batch.isStale()) throw new TransientError('BATCH_STALE', 'partition revoked during the batch');
    const next = (BigInt(batch.messages.at(-1)!.offset) + 1n).toString();
    await txn.sendOffsets({
      consumerGroupId: c.INGEST_GROUP_ID,
      topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
    });
    phase('offsets');
    await txn.commit();
    phase('commit');

    recordCommittedBatch(metrics, result, reports);
    for (const e of result.epochChanges) {
      logger.info({ store_id: e.storeId, from: e.from ?? null, to: e.to }, 'store epoch started at ingest');
    }
    deps.signatures.committed(result.badSignatures);
    // Only when spans are exported or at debug: one span and debug line per enriched record.
    const span = { service: PROCESSOR_NAME, name: 'ingest enrich', startNs: startedNs, logger };
    traceDerivedRecords(batch.topic, batch.partition, messages, result.enriched, span);
    const seconds = endTimer();
    logger.debug(
      {
        partition: batch.partition,
        records: batch.messages.length,
        ms: Math.round(seconds * 1000),
        phaseMs: clock.ms,
      },
      'batch committed',
    );
  } catch (err) {
    await txn.abort().catch(() => undefined);
    // The in-memory state already holds this batch: throw it away and restore from the changelog.
    await w.reset();
    metrics.aborted.inc({ code: errorCode(err) });
    throw classifyFailure(err, batch.partition);
  }
}

/** Broker trouble and fencing: retry the batch (TransientError). Anything else is a bug: stop. */
function classifyFailure(err: unknown, partition: number): unknown {
  if (err instanceof TransientError) return err;
  if ((err as { retriable?: boolean }).retriable === false && !isFencing(err)) return err;
  return new TransientError('TRANSACTION_FAILED', `partition ${partition}: ${(err as Error).message}`, err);
}

function isFencing(err: unknown): boolean {
  const type = (err as { type?: string }).type ?? '';
  return /FENCED|INVALID_PRODUCER_EPOCH|INVALID_TXN_STATE|PRODUCER_FENCED|CONCURRENT_TRANSACTIONS/.test(type);
}

/** Some record's epoch (header, or legacy) differs from its store's current one (key = store_id). */
function hasOtherEpoch(messages: readonly KafkaMessage[], w: PartitionWorker): boolean {
  return messages.some((m) => {
    const store = m.key?.toString();
    const state = store === undefined ? undefined : w.stateOf(store);
    return state !== undefined && state.epoch !== storeEpochOf(m.headers);
  });
}

/** The writer schema ids a batch needs (fetched before the synchronous pipeline runs). */
function schemaIdsOf(messages: readonly KafkaMessage[]): Set<number> {
  const ids = new Set<number>();
  for (const m of messages) {
    const id = schemaIdOf(m.value);
    if (id !== undefined) ids.add(id);
  }
  return ids;
}
