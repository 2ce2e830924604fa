import { AppError, readTopicRange } from '@retail-stream/runtime';
import type { Kafka } from 'kafkajs';
import { matchesFilter, partitionsOf, type DlqFilter } from './dlq-filter.ts';
import { dlqRecordOf, type DlqRecord } from './dlq-record.ts';

/**
 * The record timestamp is set when a processor produces the dead letter, dlq.time when it decided;
 * they differ by a batch at most. Starting the scan this much earlier than --since keeps every
 * record whose dlq.time is in range (the filter then decides on dlq.time).
 */
const SINCE_SLACK_MS = 10 * 60_000;

export interface ScanOptions {
  kafka: Kafka;
  topic: string;
  filter: DlqFilter;
  /** Called for each matching record, in offset order per partition; return false to stop the scan. */
  onRecord(r: DlqRecord): boolean | void | Promise<boolean | void>;
  /** Every record read (matching or not), for progress. */
  onRead?(count: number): void;
  /** Records in the partitions to read (end minus start offsets), once before reading: progress's total. */
  onTotal?(records: number): void;
  timeoutMs?: number;
}

export interface ScanResult {
  read: number;
  matched: number;
  /** True when onRecord stopped the scan before the end. */
  stopped: boolean;
}

/** Thrown through the reader to end a scan early; never escapes scanDlq. */
class StopScan extends Error {}

/**
 * Reads the dead-letter topic from the start (or from --since) to its end as of the call, by
 * assignment: no consumer group is joined or committed, so it never disturbs anything.
 */
export async function scanDlq(opts: ScanOptions): Promise<ScanResult> {
  await assertTopicExists(opts.kafka, opts.topic);
  if (opts.onTotal) opts.onTotal(await recordsIn(opts.kafka, opts.topic, partitionsOf(opts.filter)));
  const result: ScanResult = { read: 0, matched: 0, stopped: false };
  const since = opts.filter.since;
  try {
    await readTopicRange({
      kafka: opts.kafka,
      topic: opts.topic,
      partitions: partitionsOf(opts.filter),
      fromTimestamp: since === undefined ? undefined : Math.max(0, since - SINCE_SLACK_MS),
      timeoutMs: opts.timeoutMs ?? 600_000,
      onBatch: async (partition, messages) => {
        for (const m of messages) {
          result.read++;
          const r = dlqRecordOf(partition, m);
          if (!matchesFilter(r, opts.filter)) continue;
          result.matched++;
          if ((await opts.onRecord(r)) === false) {
            result.stopped = true;
            throw new StopScan();
          }
        }
        opts.onRead?.(result.read);
      },
    });
  } catch (err) {
    if (!(err instanceof StopScan)) throw err;
  }
  return result;
}

/** DLQ_UNKNOWN_TOPIC when `topic` does not exist (kafkajs would otherwise retry for long). */
export async function assertTopicExists(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) {
      throw new AppError('DLQ_UNKNOWN_TOPIC', `topic ${topic} does not exist`);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Records currently in the log of `topic` (its partitions, or some), high minus low offsets. */
async function recordsIn(kafka: Kafka, topic: string, partitions: number[] | undefined): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets
      .filter((o) => !partitions || partitions.includes(o.partition))
      .reduce((n, o) => n + Number(BigInt(o.high) - BigInt(o.low)), 0);
  } finally {
    await admin.disconnect();
  }
}
