import { AppError } from '@retail-stream/runtime';
import type { Admin, Kafka } from 'kafkajs';
import { parseRecordAddress } from './dlq-filter.ts';
import { assertTopicExists, scanDlq } from './dlq-scan.ts';
import { DlqSummarizer, type DlqSummary } from './dlq-summary.ts';

/** `--before`: a time (everything older goes) or explicit per-partition offsets. */
export type PurgeBound = { kind: 'time'; before: number } | { kind: 'offsets'; offsets: Map<number, string> };

/** `0:120,1:80` → offsets (records below each go); anything else is a usage error. */
export function parseOffsetBound(text: string): PurgeBound {
  const offsets = new Map<number, string>();
  for (const part of text.split(',')) {
    const a = parseRecordAddress(part);
    if (offsets.has(a.partition)) throw new AppError('CLI_USAGE', `partition ${a.partition} given twice`);
    offsets.set(a.partition, a.offset);
  }
  return { kind: 'offsets', offsets };
}

export interface PartitionPurge {
  partition: number;
  /** First offset still in the log (before the purge). */
  low: string;
  high: string;
  /** Records below this offset are deleted (Kafka's deleteRecords bound, exclusive). */
  deleteBefore: string;
  count: number;
}

export interface PurgePlan {
  topic: string;
  partitions: PartitionPurge[];
  total: number;
  /** What would go, grouped like `list`. */
  summary: DlqSummary;
}

/**
 * Kafka cannot delete single records: a purge moves each partition's log start up to an offset.
 * The plan says, per partition, from where to where and how many, and what they are (by code),
 * read without a consumer group. Offsets beyond the partition's end are clamped to it.
 */
export async function planPurge(
  kafka: Kafka,
  topic: string,
  bound: PurgeBound,
  now = Date.now(),
): Promise<PurgePlan> {
  await assertTopicExists(kafka, topic);
  const admin = kafka.admin();
  await admin.connect();
  let partitions: PartitionPurge[];
  try {
    partitions = await boundsOf(admin, topic, bound);
  } finally {
    await admin.disconnect();
  }
  const summarizer = new DlqSummarizer(now);
  const ends = new Map(partitions.map((p) => [p.partition, BigInt(p.deleteBefore)]));
  if (partitions.some((p) => p.count > 0)) {
    await scanDlq({
      kafka,
      topic,
      filter: { at: undefined },
      onRecord: (r) => {
        if (BigInt(r.offset) < (ends.get(r.partition) ?? 0n)) summarizer.add(r);
      },
    });
  }
  return {
    topic,
    partitions,
    total: partitions.reduce((n, p) => n + p.count, 0),
    summary: summarizer.result(),
  };
}

async function boundsOf(admin: Admin, topic: string, bound: PurgeBound): Promise<PartitionPurge[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  if (bound.kind === 'offsets') {
    const unknown = [...bound.offsets.keys()].filter((p) => !offsets.some((o) => o.partition === p));
    if (unknown.length > 0) {
      throw new AppError(
        'CLI_USAGE',
        `${topic} has no partition ${unknown.join(', ')} (it has ${offsets.length})`,
      );
    }
  }
  const byTime =
    bound.kind === 'time'
      ? new Map(
          (await admin.fetchTopicOffsetsByTimestamp(topic, bound.before)).map((o) => [o.partition, o.offset]),
        )
      : undefined;
  return offsets
    .map((o) => {
      const low = BigInt(o.low);
      const high = BigInt(o.high);
      const wanted = bound.kind === 'time' ? byTime!.get(o.partition) : bound.offsets.get(o.partition);
      // A partition the bound does not name keeps everything; -1 (no record that late) means all.
      let to = wanted === undefined ? low : BigInt(wanted) < 0n ? high : BigInt(wanted);
      if (to > high) to = high;
      if (to < low) to = low;
      return {
        partition: o.partition,
        low: low.toString(),
        high: high.toString(),
        deleteBefore: to.toString(),
        count: Number(to - low),
      };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** Deletes what the plan names (admin deleteTopicRecords); returns each partition's new log start. */
export async function executePurge(kafka: Kafka, plan: PurgePlan): Promise<Record<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const partitions = plan.partitions
      .filter((p) => p.count > 0)
      .map((p) => ({ partition: p.partition, offset: p.deleteBefore }));
    // kafkajs looks the partitions' leaders up in metadata it must have loaded for this topic first.
    await admin.fetchTopicMetadata({ topics: [plan.topic] });
    if (partitions.length > 0) await admin.deleteTopicRecords({ topic: plan.topic, partitions });
    const after = await admin.fetchTopicOffsets(plan.topic);
    return Object.fromEntries(after.map((o) => [o.partition, o.low]));
  } finally {
    await admin.disconnect();
  }
}
