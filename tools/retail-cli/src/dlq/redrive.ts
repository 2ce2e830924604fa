import { randomUUID } from 'node:crypto';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { DlqFilter } from './dlq-filter.ts';
import type { DlqRecord } from './dlq-record.ts';
import { scanDlq } from './dlq-scan.ts';
import type { RedriveLog, RedriveLogRow } from './redrive-log.ts';
import { planRedrive, type RedriveStep } from './redrive-plan.ts';
import { TopicPartitions } from './topic-partitions.ts';

/** Waits until `n` more records may be sent (the kit's token bucket); absent: no cap. */
export type Throttle = (n: number) => Promise<void>;

export interface RedriveOptions {
  kafka: Kafka;
  dlqTopic: string;
  parkingTopic: string;
  filter: DlqFilter;
  /** Progress ledger; required unless dryRun (a dry run reads it when given, to count the skips). */
  log: RedriveLog | undefined;
  maxAttempts: number;
  /** See PlanOptions.fanOutTopics. */
  fanOutTopics?: readonly string[];
  allowFanOut?: boolean;
  /** Stop after this many records were redriven or parked. */
  max?: number;
  /** Also redrive dead letters an earlier run already handled. */
  again?: boolean;
  dryRun?: boolean;
  throttle?: Throttle;
  runId?: string;
  /** Records sent per acknowledged produce request (and per ledger insert). */
  chunk?: number;
  onProgress?(p: RedriveResult): void;
  /**
   * A reason not to send a record yet (its cause is visibly not fixed), or undefined. Such records
   * are counted as notReady and keep their attempts: sending them would only fail again.
   */
  precheck?(record: DlqRecord): Promise<string | undefined>;
  /** Ctrl-C: stop after the chunk in flight (what was sent is in the ledger; a re-run resumes). */
  signal?: AbortSignal;
}

export interface RedriveResult {
  runId: string;
  dryRun: boolean;
  read: number;
  matched: number;
  /** Matched, but an earlier run already redrove or parked them (skipped unless --again). */
  alreadyHandled: number;
  /** Matched, but not a dead letter (no dlq.* headers): left alone. */
  invalid: number;
  /** Matched, but their source topic fans out to consumers that do not deduplicate (see --fan-out). */
  held: number;
  heldTopics: string[];
  /** Matched, but the precheck says the cause is not fixed (e.g. the schema id still unknown). */
  notReady: number;
  notReadyReasons: string[];
  redriven: number;
  parked: number;
  /** Records per target topic (source topics and the parking topic). */
  byTopic: Record<string, number>;
  /** True when --max ended the run before the end of the topic. */
  reachedMax: boolean;
  /** True when the signal stopped it early. */
  interrupted: boolean;
}

type Sendable = { record: DlqRecord; step: Extract<RedriveStep, { action: 'redrive' | 'park' }> };

/**
 * One redrive run: scans the dead letters that match, sends each back to its source topic (or
 * parks it), in chunks: a chunk is sent with the idempotent producer (acks all), then written to
 * the ledger, so a run stopped half-way and run again redrives only what it had not sent. A crash
 * between the ack and the ledger insert can send one chunk twice; every consumer downstream
 * deduplicates (ingest by store_seq, sinks by event id), so that costs nothing but a count.
 */
export async function redrive(opts: RedriveOptions): Promise<RedriveResult> {
  const runId = opts.runId ?? randomUUID();
  const dryRun = opts.dryRun ?? false;
  const result: RedriveResult = {
    runId,
    dryRun,
    read: 0,
    matched: 0,
    alreadyHandled: 0,
    invalid: 0,
    held: 0,
    heldTopics: [],
    notReady: 0,
    notReadyReasons: [],
    redriven: 0,
    parked: 0,
    byTopic: {},
    reachedMax: false,
    interrupted: false,
  };
  if (!dryRun && !opts.log) throw new Error('redrive needs its ledger unless --dry-run');
  const unlock = dryRun ? undefined : await opts.log!.lock(opts.dlqTopic);
  try {
    return await run(opts, runId, dryRun, result);
  } finally {
    await unlock?.().catch(() => undefined);
  }
}

async function run(
  opts: RedriveOptions,
  runId: string,
  dryRun: boolean,
  result: RedriveResult,
): Promise<RedriveResult> {
  const handled = opts.log && !opts.again ? await opts.log.handled(opts.dlqTopic) : new Set<string>();
  const admin = opts.kafka.admin();
  await admin.connect();
  const partitions = new TopicPartitions(admin);
  let producer: Producer | undefined;
  let pending: Sendable[] = [];
  const chunk = opts.chunk ?? 200;

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await opts.throttle?.(batch.length);
    if (!dryRun) {
      producer ??= await connectProducer(opts.kafka);
      const byTopic = new Map<string, Message[]>();
      for (const { step } of batch)
        byTopic.set(step.topic, [...(byTopic.get(step.topic) ?? []), step.message]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      await opts.log!.record(batch.map(({ record, step }) => ledgerRow(opts.dlqTopic, runId, record, step)));
    }
    for (const { step } of batch) {
      if (step.action === 'redrive') result.redriven++;
      else result.parked++;
      result.byTopic[step.topic] = (result.byTopic[step.topic] ?? 0) + 1;
    }
    opts.onProgress?.(result);
  };

  try {
    const dlqPartitions = await partitions.of(opts.dlqTopic);
    const scan = await scanDlq({
      kafka: opts.kafka,
      topic: opts.dlqTopic,
      filter: opts.filter,
      onRead: (n) => (result.read = n),
      onRecord: async (record) => {
        if (opts.signal?.aborted) {
          result.interrupted = true;
          return false;
        }
        result.matched++;
        if (handled.has(`${record.partition}:${record.offset}`)) {
          result.alreadyHandled++;
          return;
        }
        const step = planRedrive(record, {
          runId,
          maxAttempts: opts.maxAttempts,
          parkingTopic: opts.parkingTopic,
          fanOutTopics: opts.fanOutTopics,
          allowFanOut: opts.allowFanOut,
        });
        if (step.action === 'invalid') {
          result.invalid++;
          return;
        }
        if (step.action === 'held') {
          result.held++;
          if (!result.heldTopics.includes(step.topic)) result.heldTopics.push(step.topic);
          return;
        }
        if (step.action === 'redrive') {
          const notYet = await opts.precheck?.(record);
          if (notYet !== undefined) {
            result.notReady++;
            if (!result.notReadyReasons.includes(notYet) && result.notReadyReasons.length < 20) {
              result.notReadyReasons.push(notYet);
            }
            return;
          }
          // A source topic with fewer partitions now: let the key's partitioner choose.
          if (step.partition >= (await partitions.of(step.topic))) delete step.message.partition;
        } else if (!dryRun) {
          await partitions.of(step.topic, { numPartitions: dlqPartitions });
        }
        pending.push({ record, step });
        const taken = result.redriven + result.parked + pending.length;
        if (pending.length >= chunk || (opts.max !== undefined && taken >= opts.max)) await flush();
        if (opts.max !== undefined && taken >= opts.max) {
          result.reachedMax = true;
          return false;
        }
        return undefined;
      },
    });
    await flush();
    result.read = Math.max(result.read, scan.read);
    return result;
  } finally {
    await producer?.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

async function connectProducer(kafka: Kafka): Promise<Producer> {
  // Idempotent with one request in flight: no duplicates from retries, order kept per partition.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return producer;
}

function ledgerRow(
  dlqTopic: string,
  runId: string,
  record: DlqRecord,
  step: Sendable['step'],
): RedriveLogRow {
  return {
    dlqTopic,
    partition: record.partition,
    offset: record.offset,
    runId,
    action: step.action === 'redrive' ? 'redriven' : 'parked',
    targetTopic: step.topic,
    attempt: step.attempt,
    errorCode: record.info?.code ?? null,
  };
}
