import { AppError, type PartitionRange } from '@retail-stream/runtime';
import type { Admin } from 'kafkajs';
import type { OffsetSpec } from './offset-spec.ts';

export type RangeRequest =
  { kind: 'time'; topics: string[]; from: number; to: number } | { kind: 'offsets'; specs: OffsetSpec[] };

/**
 * Turns `--from/--to` or `--offsets` into per-partition offset ranges [from, to), checked against
 * the topics' current low and high watermarks. A time range starts at each partition's first
 * record with timestamp >= from and ends before its first record with timestamp >= to (Kafka's
 * ListOffsets by timestamp, what kcat's `s@`/`e@` mean, computed here so nobody does it by hand).
 * Offsets below the log start (deleted by retention) start at the log start.
 */
export async function resolveRanges(admin: Admin, req: RangeRequest): Promise<PartitionRange[]> {
  const existing = new Set(await admin.listTopics());
  const topics = req.kind === 'time' ? req.topics : [...new Set(req.specs.map((s) => s.topic))];
  for (const topic of topics) {
    if (!existing.has(topic)) throw new AppError('REPLAY_UNKNOWN_TOPIC', `topic '${topic}' does not exist`);
  }
  const ranges: PartitionRange[] = [];
  for (const topic of topics) {
    const marks = new Map(
      (await admin.fetchTopicOffsets(topic)).map((o) => [
        o.partition,
        { low: BigInt(o.low), high: BigInt(o.high) },
      ]),
    );
    if (req.kind === 'time') {
      const starts = await admin.fetchTopicOffsetsByTimestamp(topic, req.from);
      const ends = new Map(
        (await admin.fetchTopicOffsetsByTimestamp(topic, req.to)).map((o) => [o.partition, BigInt(o.offset)]),
      );
      for (const s of starts) {
        const m = marks.get(s.partition)!;
        const from = max(BigInt(s.offset), m.low);
        const to = min(ends.get(s.partition) ?? m.high, m.high);
        ranges.push({ topic, partition: s.partition, from, to: max(to, from) });
      }
    } else {
      for (const spec of req.specs.filter((s) => s.topic === topic)) {
        const m = marks.get(spec.partition);
        if (!m) {
          throw new AppError(
            'REPLAY_UNKNOWN_TOPIC',
            `topic '${topic}' has no partition ${spec.partition} (it has ${marks.size})`,
          );
        }
        const from = max(spec.from, m.low);
        const to = min(spec.toExclusive ?? m.high, m.high);
        ranges.push({ topic, partition: spec.partition, from, to: max(to, from) });
      }
    }
  }
  return ranges.sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}

/** Records in the ranges (upper bound: compaction and transaction markers leave gaps). */
export function rangeSize(ranges: readonly PartitionRange[]): number {
  return ranges.reduce((n, r) => n + Number(r.to - r.from), 0);
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);
