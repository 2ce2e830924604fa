import {
  AvroSerde,
  ConsumerRunner,
  ensureTopics,
  errorCode,
  produceRequests,
  readSchemaId,
  TransientError,
  WIRE_HEADER_BYTES,
  type ConsumedBatch,
  type Logger,
} from '@retail-stream/runtime';
import {
  catalogue,
  type ProductUpserted,
  type SequenceGapDetected,
  type StoreUpserted,
} from '@retail-stream/schemas';
import type { Admin, ITopicConfig, Kafka, KafkaMessage, Message, TopicMessages } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { IngestConfig } from './config.ts';
import { EventSchemas } from './event-schemas.ts';
import { ingestMetrics, type IngestMetrics } from './ingest-metrics.ts';
import { PartitionWorker } from './partition-worker.ts';
import { runPipeline } from './record-pipeline.ts';
import { ReferenceData } from './reference-data.ts';
import { ageGap, isGapOlderThan, serializeState, type GapReport } from './store-sequence.ts';
import { TopicFollower } from './topic-follower.ts';

export const PROCESSOR_NAME = 'ingest-processor';

export interface IngestProcessorDeps {
  config: IngestConfig;
  kafka: Kafka;
  serde: AvroSerde;
  logger: Logger;
  metrics: Registry;
  /** Called when consumption stopped on a non-retriable error (a bug): the service should exit. */
  onFatal(err: unknown): void;
  signal?: AbortSignal;
}

/**
 * retail.pos.events → validate → dedup → enrich → retail.events.enriched, exactly once: each input
 * batch's outputs (enriched records, dead letters, gap alerts), the changed dedup state (changelog)
 * and the input offsets are one Kafka transaction of the partition's own transactional producer.
 */
export class IngestProcessor {
  readonly refs = new ReferenceData();
  readonly schemas: EventSchemas;
  private readonly metrics: IngestMetrics;
  private readonly workers = new Map<number, PartitionWorker>();
  private readonly changelog = new Map<string, string>();
  private readonly refFollower: TopicFollower;
  private readonly stateFollower: TopicFollower;
  private readonly runner: ConsumerRunner;
  private admin: Admin | undefined;
  private generation = 0;
  private caughtUp = false;

  constructor(private readonly deps: IngestProcessorDeps) {
    const { config: c, kafka, logger } = deps;
    this.schemas = new EventSchemas({
      serde: deps.serde,
      registryUrl: c.SCHEMA_REGISTRY_URL,
      register: c.INGEST_REGISTER_SCHEMAS,
      timeoutMs: c.INGEST_REGISTRY_TIMEOUT_MS,
    });
    this.metrics = ingestMetrics(deps.metrics, () => this.openGapCount());
    this.refFollower = new TopicFollower({
      kafka,
      logger,
      topics: [c.INGEST_REF_STORES_TOPIC, c.INGEST_REF_PRODUCTS_TOPIC],
      groupPrefix: `${c.INGEST_GROUP_ID}-refs`,
      onMessage: (topic, _p, m) => this.applyReference(topic, m),
    });
    this.stateFollower = new TopicFollower({
      kafka,
      logger,
      topics: [c.INGEST_STATE_TOPIC],
      groupPrefix: `${c.INGEST_GROUP_ID}-state`,
      onMessage: (_t, _p, m) => {
        const store = m.key?.toString();
        if (!store) return;
        if (m.value === null) this.changelog.delete(store);
        else this.changelog.set(store, m.value.toString());
      },
    });
    this.runner = new ConsumerRunner({
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
      onGroupJoin: (assignment) => this.onAssignment(assignment[c.INGEST_INPUT_TOPIC] ?? []),
      handle: (batch) => this.handle(batch),
      onFatal: deps.onFatal,
    });
  }

  /** Topics, schema ids, reference data and dedup changelog read to their end, then consuming. */
  async start(): Promise<void> {
    const { config: c, logger } = this.deps;
    const admin = this.deps.kafka.admin();
    await admin.connect();
    this.admin = admin;
    const ensureMissing = async (topics: ITopicConfig[]) => {
      // Existing topics keep their partition counts (ensureTopics would wait for the counts asked).
      const existing = new Set(await admin.listTopics());
      await ensureTopics(
        c.KAFKA_BROKERS,
        topics.filter((t) => !existing.has(t.topic)),
      );
    };
    await ensureMissing([{ topic: c.INGEST_INPUT_TOPIC, numPartitions: c.INGEST_TOPIC_PARTITIONS }]);
    const inputPartitions = (await admin.fetchTopicOffsets(c.INGEST_INPUT_TOPIC)).length;
    const compacted = [{ name: 'cleanup.policy', value: 'compact' }];
    await ensureMissing([
      { topic: c.INGEST_OUTPUT_TOPIC, numPartitions: c.INGEST_TOPIC_PARTITIONS },
      { topic: c.INGEST_DLQ_TOPIC, numPartitions: c.INGEST_TOPIC_PARTITIONS },
      { topic: c.INGEST_ALERTS_TOPIC, numPartitions: 1 },
      { topic: c.INGEST_STATE_TOPIC, numPartitions: inputPartitions, configEntries: compacted },
      { topic: c.INGEST_REF_STORES_TOPIC, numPartitions: 1, configEntries: compacted },
      { topic: c.INGEST_REF_PRODUCTS_TOPIC, numPartitions: 1, configEntries: compacted },
    ]);
    const statePartitions = (await admin.fetchTopicOffsets(c.INGEST_STATE_TOPIC)).length;
    if (statePartitions < inputPartitions) {
      throw new TransientError(
        'STATE_TOPIC_TOO_SMALL',
        `${c.INGEST_STATE_TOPIC} has ${statePartitions} partitions; ${c.INGEST_INPUT_TOPIC} has ${inputPartitions}`,
      );
    }
    await this.schemas.init();
    await this.refFollower.start();
    await this.stateFollower.start();
    const catchUp = { timeoutMs: c.INGEST_CATCH_UP_TIMEOUT_MS, signal: this.deps.signal };
    await this.refFollower.waitForEnd(c.INGEST_REF_STORES_TOPIC, undefined, catchUp);
    await this.refFollower.waitForEnd(c.INGEST_REF_PRODUCTS_TOPIC, undefined, catchUp);
    await this.stateFollower.waitForEnd(c.INGEST_STATE_TOPIC, undefined, catchUp);
    this.caughtUp = true;
    logger.info(
      { stores: this.refs.storeCount, products: this.refs.productCount, dedupStates: this.changelog.size },
      'reference data and dedup changelog loaded',
    );
    await this.runner.start();
  }

  /** Ready = reference data and changelog loaded, schema ids known, consumer joined. */
  readiness(): true | string {
    if (!this.caughtUp) return 'loading reference data and dedup state';
    return this.runner.isReady() ? true : 'consumer not joined';
  }

  /** Graceful: the batch in flight finishes and commits its transaction, then everything closes. */
  async stop(): Promise<void> {
    await this.runner.stop();
    await Promise.all([
      ...[...this.workers.values()].map((w) => w.reset()),
      this.refFollower.stop(),
      this.stateFollower.stop(),
    ]);
    await this.admin?.disconnect().catch(() => undefined);
  }

  private onAssignment(partitions: number[]): void {
    this.generation++;
    this.deps.logger.info({ generation: this.generation, partitions }, 'input partitions assigned');
    for (const [p, w] of this.workers) {
      if (!partitions.includes(p)) {
        this.workers.delete(p);
        void w.reset();
      }
    }
  }

  private worker(partition: number): PartitionWorker {
    let w = this.workers.get(partition);
    if (!w) {
      const c = this.deps.config;
      w = new PartitionWorker({
        kafka: this.deps.kafka,
        admin: this.admin!,
        groupId: c.INGEST_GROUP_ID,
        inputTopic: c.INGEST_INPUT_TOPIC,
        partition,
        transactionTimeoutMs: c.INGEST_TRANSACTION_TIMEOUT_MS,
        waitForChangelog: (p) =>
          this.stateFollower.waitForEnd(c.INGEST_STATE_TOPIC, [p], {
            timeoutMs: c.INGEST_CATCH_UP_TIMEOUT_MS,
          }),
        changelogState: (store) => this.changelog.get(store),
      });
      this.workers.set(partition, w);
    }
    return w;
  }

  private async handle(batch: ConsumedBatch): Promise<void> {
    const c = this.deps.config;
    const endTimer = this.metrics.batchSeconds.startTimer();
    const w = this.worker(batch.partition);
    const { txn, skipBelow } = await w.begin(this.generation);
    let messages: KafkaMessage[] = batch.messages;
    if (skipBelow >= 0n && BigInt(messages[0]!.offset) < skipBelow) {
      messages = messages.filter((m) => BigInt(m.offset) >= skipBelow);
      this.deps.logger.info(
        { partition: batch.partition, skipped: batch.messages.length - messages.length },
        'skipping records an earlier owner already committed',
      );
    }
    try {
      await this.schemas.prepare(schemaIdsOf(messages));
      const now = Date.now();
      const result = runPipeline(messages, {
        topic: batch.topic,
        partition: batch.partition,
        schemas: this.schemas,
        refs: this.refs,
        stateOf: (store) => w.stateOf(store),
        processor: PROCESSOR_NAME,
        now,
        maxFutureSkewMs: c.INGEST_MAX_FUTURE_SKEW_MS,
        dedupWindow: c.INGEST_DEDUP_WINDOW,
        fastEncode: c.INGEST_FAST_ENCODE,
      });
      const tPipeline = Date.now();
      const reports = result.gapReports;
      for (const [store, state] of w.states) {
        const aged = ageGap(state, now, c.INGEST_GAP_ALERT_AFTER_MS);
        if (aged) {
          reports.push({ storeId: store, report: aged });
          result.touchedStores.add(store);
        }
      }
      const topicMessages: TopicMessages[] = [];
      if (result.enriched.length > 0)
        topicMessages.push({ topic: c.INGEST_OUTPUT_TOPIC, messages: result.enriched });
      if (result.deadLetters.length > 0)
        topicMessages.push({ topic: c.INGEST_DLQ_TOPIC, messages: result.deadLetters });
      if (reports.length > 0) {
        topicMessages.push({
          topic: c.INGEST_ALERTS_TOPIC,
          messages: reports.map((r) => this.alert(r.storeId, r.report, now)),
        });
      }
      if (result.touchedStores.size > 0) {
        const changes: Message[] = [];
        for (const store of result.touchedStores) {
          changes.push({
            key: store,
            value: serializeState(w.states.get(store)!),
            partition: batch.partition,
          });
        }
        topicMessages.push({ topic: c.INGEST_STATE_TOPIC, messages: changes });
      }
      for (const request of produceRequests(topicMessages, c.INGEST_MAX_REQUEST_BYTES)) {
        await txn.sendBatch({ topicMessages: request, acks: -1 });
      }
      const tSent = Date.now();
      if (batch.isStale()) throw new TransientError('BATCH_STALE', 'partition revoked during the batch');
      const next = (BigInt(batch.messages.at(-1)!.offset) + 1n).toString();
      await txn.sendOffsets({
        consumerGroupId: c.INGEST_GROUP_ID,
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
      });
      await txn.commit();

      const forwarded = result.enriched.length;
      this.metrics.records.inc({ outcome: 'forwarded' }, forwarded);
      this.metrics.records.inc({ outcome: 'duplicate' }, result.duplicates);
      this.metrics.records.inc({ outcome: 'dead_lettered' }, result.deadLetters.length);
      this.metrics.duplicates.inc(result.duplicates);
      for (const code of result.deadLetterCodes) this.metrics.deadLetters.inc({ code });
      this.metrics.unknownRefs.inc({ kind: 'store' }, result.unknownStores);
      this.metrics.unknownRefs.inc({ kind: 'product' }, result.unknownProducts);
      for (const r of reports) {
        this.metrics.gapAlerts.inc({ status: r.report.status });
        if (r.report.status === 'GIVEN_UP') this.metrics.gapsGivenUp.inc();
      }
      const seconds = endTimer();
      this.deps.logger.debug(
        {
          partition: batch.partition,
          records: batch.messages.length,
          ms: Math.round(seconds * 1000),
          pipelineMs: tPipeline - now,
          sendMs: tSent - tPipeline,
          commitMs: Date.now() - tSent,
        },
        'batch committed',
      );
    } catch (err) {
      await txn.abort().catch(() => undefined);
      // The in-memory state already holds this batch: throw it away and restore from the changelog.
      await w.reset();
      this.metrics.aborted.inc({ code: errorCode(err) });
      if (err instanceof TransientError) throw err;
      if ((err as { retriable?: boolean }).retriable === false && !isFencing(err)) {
        // Not a broker hiccup: a bug. Let the runner stop without commit.
        throw err;
      }
      throw new TransientError(
        'TRANSACTION_FAILED',
        `partition ${batch.partition}: ${(err as Error).message}`,
        err,
      );
    }
  }

  private alert(storeId: string, r: GapReport, now: number): Message {
    const value: SequenceGapDetected = {
      store_id: storeId,
      status: r.status,
      first_missing_seq: r.firstMissing,
      last_missing_seq: r.lastMissing,
      highest_seen_seq: r.highestSeen,
      gap_opened_at: r.openedAt,
      reported_at: now,
      processor: PROCESSOR_NAME,
    };
    const id = this.schemas.idOf('SequenceGapDetected');
    return { key: storeId, value: this.deps.serde.encodeWith(id, gapType, value) };
  }

  private applyReference(topic: string, m: KafkaMessage): void {
    const c = this.deps.config;
    const key = m.key?.toString();
    if (m.value === null) {
      if (key && topic === c.INGEST_REF_STORES_TOPIC) this.refs.removeStore(key);
      if (key && topic === c.INGEST_REF_PRODUCTS_TOPIC) this.refs.removeProduct(key);
      return;
    }
    try {
      const id = readSchemaId(m.value);
      if (topic === c.INGEST_REF_STORES_TOPIC && id === this.schemas.idOf('StoreUpserted')) {
        this.refs.upsertStore(storeType.fromBuffer(m.value.subarray(WIRE_HEADER_BYTES)) as StoreUpserted);
      } else if (topic === c.INGEST_REF_PRODUCTS_TOPIC && id === this.schemas.idOf('ProductUpserted')) {
        this.refs.upsertProduct(
          productType.fromBuffer(m.value.subarray(WIRE_HEADER_BYTES)) as ProductUpserted,
        );
      } else {
        this.deps.logger.warn(
          { topic, offset: m.offset, schemaId: id },
          'reference record with another schema ignored',
        );
      }
    } catch (err) {
      this.deps.logger.warn({ err, topic, offset: m.offset }, 'unreadable reference record ignored');
    }
  }

  private openGapCount(): number {
    const now = Date.now();
    let n = 0;
    for (const w of this.workers.values()) {
      for (const s of w.states.values())
        if (isGapOlderThan(s, now, this.deps.config.INGEST_GAP_ALERT_AFTER_MS)) n++;
    }
    return n;
  }
}

const gapType = catalogue.events.get('SequenceGapDetected')!.type;
const storeType = catalogue.events.get('StoreUpserted')!.type;
const productType = catalogue.events.get('ProductUpserted')!.type;

function schemaIdsOf(messages: readonly KafkaMessage[]): Set<number> {
  const ids = new Set<number>();
  for (const m of messages) {
    const v = m.value;
    if (v && v.length >= WIRE_HEADER_BYTES && v[0] === 0) ids.add(v.readInt32BE(1));
  }
  return ids;
}

function isFencing(err: unknown): boolean {
  const type = (err as { type?: string }).type ?? '';
  return /FENCED|INVALID_PRODUCER_EPOCH|INVALID_TXN_STATE|PRODUCER_FENCED|CONCURRENT_TRANSACTIONS/.test(type);
}
