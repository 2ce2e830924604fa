import {
  nowNs,
  phaseClock,
  type PhaseClock,
  traceConsumedRecords,
  TransientError,
  type AvroSerde,
  type ConsumedBatch,
  type Logger,
} from '@retail-stream/runtime';
import type avro from 'avsc';
import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { CHECKPOINT_KEY, encodeCheckpoint } from './changelog.ts';
import { restorePartition } from './changelog-restore.ts';
import type { KpiMetrics } from './kpi-metrics.ts';
import {
  commitPartitionTransaction,
  connectPartitionProducer,
  toTransient,
} from './partition-transaction.ts';
import { applyRecords } from './record-intake.ts';
import { StoreWindows, type WindowEmit, type WindowPolicy } from './store-windows.ts';
import { appendToTopic, windowOutputs, type OutputDeps } from './window-outputs.ts';

export { LATE_HEADERS } from './record-intake.ts';

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

/**
 * Stage 1 for one input partition: the windows of the stores in it, restored from the changelog
 * on assignment (changelog-restore.ts), and one transactional producer whose id fences the previous
 * owner (partition-transaction.ts). Every batch writes outputs (window-outputs.ts), the changelog
 * and the consumed offset in one transaction; state and the offset it reflects (`c`) are always
 * consistent, so records below the checkpoint are skipped even if the group's committed offset is
 * older (record-intake.ts).
 */
export class PartitionWorker {
  private stores = new Map<string, StoreWindows>();
  /** Stores holding a throttled update (StoreWindows.dueAt finite), checked on every batch. */
  private throttled = new Set<StoreWindows>();
  private next: bigint | undefined;
  private producer: Producer | undefined;
  private ready = false;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly outputDeps: OutputDeps;

  constructor(
    private readonly deps: WorkerDeps,
    readonly partition: number,
  ) {
    this.outputDeps = { ...deps, partition };
  }

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
    // Fences the previous owner first, so the changelog read next holds only committed state.
    this.producer ??= await connectPartitionProducer(kafka, groupId, topics.input, this.partition);
    this.stores = new Map();
    this.throttled = new Set();
    this.next = undefined;
    const started = Date.now();
    const restored = await restorePartition(kafka, topics.changelog, this.partition, this.deps.policy);
    this.stores = restored.stores;
    this.next = restored.next;
    this.deps.metrics.restores.inc();
    logger.info(
      {
        partition: this.partition,
        records: restored.records,
        stores: this.stores.size,
        next: this.next?.toString(),
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
    const { topics, policy } = this.deps;
    const startedNs = nowNs();
    const clock = phaseClock(this.deps.metrics.batchPhaseSeconds);
    const intake = await applyRecords(batch, this.next, (id) => this.store(id), {
      ...this.deps,
      defaultTimeZone: policy.defaultTimeZone,
    });
    if (intake.last === undefined) return;
    const nextOffset = intake.last + 1n;
    const now = Date.now();
    const { emits, stores } = this.advance(intake.touched, now);
    const messages = windowOutputs(emits, stores, now, this.outputDeps);
    if (intake.late.length > 0) messages.push({ topic: topics.late, messages: intake.late });
    if (intake.dlq.length > 0) messages.push({ topic: topics.dlq, messages: intake.dlq });
    if (this.next === undefined || nextOffset > this.next) {
      const checkpoint: Message = {
        key: CHECKPOINT_KEY,
        value: encodeCheckpoint(nextOffset),
        partition: this.partition,
      };
      appendToTopic(messages, topics.changelog, [checkpoint]);
    }
    const committed = this.next !== undefined && this.next > nextOffset ? this.next : nextOffset;
    clock.end('apply');
    await this.commit(messages, { batch, nextOffset: committed }, clock);
    this.next = committed;
    // Only when spans are exported or at debug: one span and debug line per record, in its trace.
    const span = {
      service: 'kpi-windows',
      name: 'kpi-windows aggregate',
      startNs: startedNs,
      logger: this.deps.logger,
    };
    traceConsumedRecords(batch.topic, batch.partition, batch.messages, span);
    this.deps.logger.debug(
      { partition: this.partition, records: batch.messages.length, phaseMs: clock.ms },
      'batch committed',
    );
  }

  /**
   * Advances the batch's stores and every other store whose throttled update is due by now, so a
   * due update goes out with the partition's next transaction rather than waiting for its store's
   * next event or the flush tick (at live rates that wait was most of KPI windows' p99).
   */
  private advance(
    touched: Set<StoreWindows>,
    now: number,
  ): { emits: WindowEmit[]; stores: Set<StoreWindows> } {
    const stores = new Set(touched);
    for (const s of this.throttled) if (s.dueAt <= now) stores.add(s);
    const emits: WindowEmit[] = [];
    for (const s of stores) {
      emits.push(...s.advance(now));
      this.noteThrottled(s);
    }
    return { emits, stores };
  }

  private noteThrottled(s: StoreWindows): void {
    if (s.dueAt === Number.POSITIVE_INFINITY) this.throttled.delete(s);
    else this.throttled.add(s);
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
        this.noteThrottled(s);
        if (e.length > 0) {
          emits.push(...e);
          touched.push(s);
        }
      }
      if (emits.length === 0) return;
      const clock = phaseClock(this.deps.metrics.batchPhaseSeconds);
      await this.commit(windowOutputs(emits, touched, now, this.outputDeps), undefined);
      clock.end('flush');
    });
  }

  private async commit(
    messages: TopicMessages[],
    input: { batch: ConsumedBatch; nextOffset: bigint } | undefined,
    clock?: PhaseClock,
  ): Promise<void> {
    try {
      await commitPartitionTransaction(this.producer!, this.deps.groupId, messages, input, clock?.end);
    } catch (err) {
      // The in-memory state already holds this batch: forget it and restore from the changelog.
      await this.drop();
      throw toTransient(err, 'KPI_TXN_FAILED');
    }
  }

  /** Forgets the state (restored again on the next batch) and the producer (maybe fenced). */
  private async drop(): Promise<void> {
    this.ready = false;
    this.stores = new Map();
    this.throttled = new Set();
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
