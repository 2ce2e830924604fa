import { Partitioners, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';
import type avro from 'avsc';
import {
  AvroSerde,
  TransientError,
  ValidationError,
  deadLetterOf,
  errorCode,
  isRetriable,
  produceRequests,
  type ConsumedBatch,
  type Logger,
} from '@retail-stream/runtime';
import { catalogue, type StoreEvent } from '@retail-stream/schemas';
import {
  CHECKPOINT_KEY,
  decodeEntry,
  encodeCheckpoint,
  encodeMeta,
  encodeWindow,
  metaEntryKey,
  windowEntryKey,
} from './changelog.ts';
import type { KpiMetrics } from './kpi-metrics.ts';
import { kpiKey, kpiRecord } from './kpi-record.ts';
import { isValidTimeZone } from './local-day.ts';
import { StoreWindows, storeTimeZone, type WindowEmit, type WindowPolicy } from './store-windows.ts';
import { readTopicRange } from './topic-range-reader.ts';

export interface WorkerTopics {
  input: string;
  output: string;
  storeWindows: string;
  changelog: string;
  late: string;
  dlq: string;
}

export interface WorkerDeps {
  kafka: Kafka;
  serde: AvroSerde;
  kpiSchemaId: number;
  kpiType: avro.Type;
  topics: WorkerTopics;
  groupId: string;
  policy: WindowPolicy;
  logger: Logger;
  metrics: KpiMetrics;
  processor: string;
}

export const LATE_HEADERS = { decision: 'kpi.late.decision', time: 'kpi.late.time' } as const;

const STORE_EVENT_TYPES = new Set(catalogue.storeEventTypes);

/**
 * Stage 1 for one input partition: the windows of the stores in it, restored from the changelog
 * on assignment, and one transactional producer whose id is derived from group + topic +
 * partition. Whoever owns the partition next initialises the same id, which fences this producer
 * (kafkajs' sendOffsets has no KIP-447 generation check, so this is the zombie protection). Every
 * batch writes outputs, the changelog and the consumed offset in one transaction; state and the
 * offset it reflects (`c`) are always consistent, so records below the checkpoint are skipped even
 * if the group's committed offset is older.
 */
export class PartitionWorker {
  private stores = new Map<string, StoreWindows>();
  private next: bigint | undefined;
  private producer: Producer | undefined;
  private ready = false;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly deps: WorkerDeps,
    readonly partition: number,
  ) {}

  /** Runs fn after everything queued before it (batches and flushes of one partition never interleave). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  openWindows(): number {
    let n = 0;
    for (const s of this.stores.values()) n += s.openCount();
    return n;
  }

  maxWatermark(): number {
    let max = Number.NEGATIVE_INFINITY;
    for (const s of this.stores.values()) max = Math.max(max, s.watermark);
    return max;
  }

  private store(storeId: string): StoreWindows {
    let s = this.stores.get(storeId);
    if (!s) {
      s = new StoreWindows(storeId, this.deps.policy);
      this.stores.set(storeId, s);
    }
    return s;
  }

  private async ensureReady(): Promise<void> {
    if (this.ready) return;
    const { kafka, groupId, topics, logger } = this.deps;
    if (!this.producer) {
      const producer = kafka.producer({
        transactionalId: `${groupId}.${topics.input}.${this.partition}`,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 60_000,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      // Initialising the transactional id fences the previous owner and aborts its open transaction,
      // so the changelog read next holds only committed state.
      await producer.connect();
      this.producer = producer;
    }
    this.stores = new Map();
    this.next = undefined;
    let records = 0;
    const started = Date.now();
    await readTopicRange({
      kafka,
      topic: topics.changelog,
      partitions: [this.partition],
      onBatch: (_p, messages) => {
        for (const m of messages) {
          records++;
          const entry = decodeEntry(m.key?.toString() ?? '', m.value);
          if (!entry) continue;
          if (entry.kind === 'checkpoint') this.next = entry.next;
          else if (entry.kind === 'meta') {
            if (entry.meta) this.store(entry.storeId).restoreMeta(entry.meta);
          } else this.store(entry.storeId).restoreWindow(entry.windowKey, entry.state);
        }
      },
    });
    this.deps.metrics.restores.inc();
    logger.info(
      {
        partition: this.partition,
        records,
        stores: this.stores.size,
        next: (this.next as bigint | undefined)?.toString(),
        ms: Date.now() - started,
      },
      'partition state restored from changelog',
    );
    this.ready = true;
  }

  handleBatch(batch: ConsumedBatch): Promise<void> {
    return this.serial(async () => {
      if (this.closed) throw new TransientError('KPI_WORKER_CLOSED', 'partition worker closed');
      try {
        await this.ensureReady();
      } catch (err) {
        await this.drop();
        throw toTransient(err, 'KPI_RESTORE_FAILED');
      }
      try {
        await this.apply(batch);
      } catch (err) {
        // Part of the batch may be in memory already: forget it all and restore on the retry.
        await this.drop();
        throw toTransient(err, 'KPI_BATCH_FAILED');
      }
    });
  }

  private async apply(batch: ConsumedBatch): Promise<void> {
    {
      const { serde, topics, metrics, processor } = this.deps;
      const late: Message[] = [];
      const dlq: Message[] = [];
      const touched = new Set<StoreWindows>();
      const nowIso = new Date().toISOString();
      let last: bigint | undefined;
      for (const m of batch.messages) {
        const offset = BigInt(m.offset);
        last = offset;
        if (this.next !== undefined && offset < this.next) continue;
        let ev: StoreEvent;
        try {
          if (!m.value) throw new ValidationError('EMPTY_VALUE', 'record has no value');
          ev = (await serde.decode<StoreEvent>(m.value)).value;
          if (!STORE_EVENT_TYPES.has(ev.event_type)) {
            throw new ValidationError(
              'NOT_A_STORE_EVENT',
              `record type ${ev.event_type} is not a store event`,
            );
          }
        } catch (err) {
          // Registry down: retry the batch (state untouched so far for this record); bad bytes: DLQ.
          if (isRetriable(err)) throw err;
          const code = errorCode(err);
          metrics.rejected.inc({ code });
          dlq.push(deadLetterOf(batch, m, { code, message: (err as Error).message }, processor));
          continue;
        }
        const store = this.store(ev.store_id);
        const result = store.apply(ev, storeTimeZone(ev, this.deps.policy.defaultTimeZone, isValidTimeZone));
        touched.add(store);
        metrics.events.inc({ event_type: ev.event_type });
        if (result.late) {
          const decision = result.evicted ? 'evicted' : 'correction';
          metrics.late.inc({ decision });
          late.push({
            key: m.key,
            value: m.value,
            headers: { ...m.headers, [LATE_HEADERS.decision]: decision, [LATE_HEADERS.time]: nowIso },
          });
        }
      }
      if (last === undefined) return;
      const nextOffset = last + 1n;
      const emits: WindowEmit[] = [];
      const now = Date.now();
      for (const s of touched) emits.push(...s.advance(now));
      const messages = this.outputs(emits, touched, now);
      if (late.length > 0) messages.push({ topic: topics.late, messages: late });
      if (dlq.length > 0) messages.push({ topic: topics.dlq, messages: dlq });
      if (this.next === undefined || nextOffset > this.next) {
        this.pushChangelog(messages, [
          { key: CHECKPOINT_KEY, value: encodeCheckpoint(nextOffset), partition: this.partition },
        ]);
      }
      const committed = this.next !== undefined && this.next > nextOffset ? this.next : nextOffset;
      await this.commit(messages, committed, batch);
      this.next = committed;
    }
  }

  /** Publishes throttled updates that became due without new input (processing-time tick). */
  flush(): Promise<void> {
    return this.serial(async () => {
      if (!this.ready || this.closed) return;
      const now = Date.now();
      const emits: WindowEmit[] = [];
      const touched: StoreWindows[] = [];
      for (const s of this.stores.values()) {
        const e = s.advance(now);
        if (e.length > 0) {
          emits.push(...e);
          touched.push(s);
        }
      }
      if (emits.length === 0) return;
      await this.commit(this.outputs(emits, touched, now), undefined, undefined);
    });
  }

  private pushChangelog(messages: TopicMessages[], entries: Message[]): void {
    const existing = messages.find((t) => t.topic === this.deps.topics.changelog);
    if (existing) existing.messages.push(...entries);
    else messages.push({ topic: this.deps.topics.changelog, messages: entries });
  }

  private outputs(emits: WindowEmit[], touched: Iterable<StoreWindows>, now: number): TopicMessages[] {
    const { kpiSchemaId, kpiType, serde, topics, metrics } = this.deps;
    const out: Message[] = [];
    const internal: Message[] = [];
    for (const { storeId, w } of emits) {
      const rec = kpiRecord({
        storeId,
        w,
        m: w.m,
        currency: w.currency,
        revision: w.revision,
        isFinal: w.isFinal,
        now,
      });
      const key = kpiKey(rec);
      const value = serde.encodeWith(kpiSchemaId, kpiType, rec);
      const headers = { event_type: 'KpiWindowUpdated' };
      out.push({ key, value, headers });
      internal.push({ key, value, headers, partition: 0 });
      metrics.updates.inc({ scope: 'store', final: String(w.isFinal) });
    }
    const changelog: Message[] = [];
    for (const s of touched) {
      const { changed, removed } = s.takeChanges();
      for (const key of changed) {
        if (key === 'meta') {
          changelog.push({
            key: metaEntryKey(s.storeId),
            value: encodeMeta(s.meta),
            partition: this.partition,
          });
          continue;
        }
        const w = s.windows.get(key);
        if (w)
          changelog.push({
            key: windowEntryKey(s.storeId, key),
            value: encodeWindow(w),
            partition: this.partition,
          });
      }
      for (const key of removed) {
        changelog.push({ key: windowEntryKey(s.storeId, key), value: null, partition: this.partition });
      }
    }
    const messages: TopicMessages[] = [];
    if (out.length > 0) {
      messages.push({ topic: topics.output, messages: out });
      messages.push({ topic: topics.storeWindows, messages: internal });
    }
    if (changelog.length > 0) messages.push({ topic: topics.changelog, messages: changelog });
    return messages;
  }

  private async commit(
    messages: TopicMessages[],
    nextOffset: bigint | undefined,
    batch: ConsumedBatch | undefined,
  ): Promise<void> {
    const producer = this.producer!;
    let txn;
    try {
      txn = await producer.transaction();
      // Several produce requests per transaction keep each under the broker's max request size.
      for (const part of produceRequests(messages, MAX_REQUEST_BYTES)) {
        await txn.sendBatch({ topicMessages: part, acks: -1 });
      }
      if (nextOffset !== undefined && batch) {
        await txn.sendOffsets({
          consumerGroupId: this.deps.groupId,
          topics: [
            {
              topic: batch.topic,
              partitions: [{ partition: batch.partition, offset: nextOffset.toString() }],
            },
          ],
        });
      }
      if (batch?.isStale()) throw new TransientError('KPI_BATCH_STALE', 'partition revoked during the batch');
      await txn.commit();
    } catch (err) {
      await txn?.abort().catch(() => undefined);
      // The in-memory state already holds this batch: forget it and restore from the changelog.
      await this.drop();
      throw toTransient(err, 'KPI_TXN_FAILED');
    }
  }

  /** Forgets the state (restored again on the next batch) and the producer (maybe fenced). */
  private async drop(): Promise<void> {
    this.ready = false;
    this.stores = new Map();
    this.next = undefined;
    const p = this.producer;
    this.producer = undefined;
    await p?.disconnect().catch(() => undefined);
  }

  /** Revoked or shutting down: finish what is queued, then let go. */
  close(): Promise<void> {
    return this.serial(async () => {
      this.closed = true;
      await this.drop();
    });
  }
}

const MAX_REQUEST_BYTES = 768 * 1024;

function toTransient(err: unknown, code: string): Error {
  if (isRetriable(err)) return err as Error;
  return new TransientError(code, (err as Error).message ?? String(err));
}
