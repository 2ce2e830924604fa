import { AssignedReader, type PartitionRange } from '@retail-stream/runtime';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { interruptedError } from '../cli-kit/exit-codes.ts';
import type { Progress } from '../cli-kit/progress.ts';
import type { RateLimiter } from '../cli-kit/rate-limit.ts';
import type { Checkpoint } from './checkpoint.ts';
import { passes, recordFacts, type RecordFacts, type RecordFilter } from './record-facts.ts';
import { countMatched, countRejected, type ReplayCounts } from './replay-counts.ts';
import type { OpenSink } from './sink-target.ts';

export interface RangePassOptions {
  kafka: Kafka;
  ranges: readonly PartitionRange[];
  filter: RecordFilter;
  counts: ReplayCounts;
  /** topic:partition → next offset; updated after each batch (the checkpoint's content). */
  positions: Record<string, string>;
  progress: Progress;
  signal: AbortSignal;
  /** Absent: a dry run (count only, nothing decoded or written). */
  sink?: OpenSink;
  checkpoint?: Checkpoint;
  limiter?: Pick<RateLimiter, 'take'>;
  /** Records per write batch (a fetch is split into batches of at most this many). */
  batchSize: number;
  /** Stop as if interrupted after this many written batches (tests, and a careful first try). */
  maxBatches?: number;
  /** Bytes fetched per partition per request. */
  maxBytesPerPartition: number;
  /** Called when maxBatches is reached, to stop the other partitions too. */
  onLimit?: () => void;
}

/**
 * One pass over the resolved ranges, by assignment (no consumer group: live groups are never
 * touched, nothing is committed). A dry run counts each record by its key and headers; a replay
 * hands each batch of matching records to the sink's own handler, then saves the checkpoint, so
 * a stop (Ctrl-C, --max-batches, a crash) loses at most the batch in flight, which the resume
 * writes again (the sinks are idempotent). Partitions of one fetch are written concurrently.
 *
 * Resolves when every range was read; throws CLI_INTERRUPTED when stopped on request.
 */
export async function runRangePass(o: RangePassOptions): Promise<void> {
  const stop = interruptedError('stopped after the batch in flight; run the same command again to resume');
  const reader = new AssignedReader({
    kafka: o.kafka,
    topics: [...new Set(o.ranges.map((r) => r.topic))],
    ranges: o.ranges,
    concurrentPartitions: o.sink !== undefined,
    maxBytesPerPartition: o.maxBytesPerPartition,
    onBatch: (topic, partition, messages) =>
      o.sink
        ? replayBatch(o, topic, partition, messages, stop)
        : countBatch(o, topic, partition, messages, stop),
  });
  const abort = () => void reader.stop();
  try {
    await reader.start();
    o.signal.addEventListener('abort', abort, { once: true });
    await reader.done;
    reader.check();
    if (o.signal.aborted) throw stop;
  } catch (err) {
    if (err === stop || o.signal.aborted) throw stop;
    throw err;
  } finally {
    o.signal.removeEventListener('abort', abort);
    await reader.stop();
    await o.checkpoint?.flush().catch(() => undefined);
    o.progress.stop();
  }
}

function countBatch(
  o: RangePassOptions,
  topic: string,
  partition: number,
  messages: KafkaMessage[],
  stop: Error,
): void {
  if (o.signal.aborted) throw stop;
  const tp = `${topic}:${partition}`;
  for (const m of messages) {
    const facts = recordFacts(m);
    if (passes(o.filter, facts)) countMatched(o.counts, tp, facts);
  }
  o.counts.read += messages.length;
  o.positions[tp] = (BigInt(messages[messages.length - 1]!.offset) + 1n).toString();
  o.progress.tick(messages.length);
}

async function replayBatch(
  o: RangePassOptions,
  topic: string,
  partition: number,
  messages: KafkaMessage[],
  stop: Error,
): Promise<void> {
  const tp = `${topic}:${partition}`;
  for (let i = 0; i < messages.length; i += o.batchSize) {
    // Checked before each batch, never during one: a batch is written whole, then saved.
    if (o.signal.aborted) throw stop;
    const chunk = messages.slice(i, i + o.batchSize);
    const matched: KafkaMessage[] = [];
    const facts: RecordFacts[] = [];
    for (const m of chunk) {
      const f = recordFacts(m);
      if (!passes(o.filter, f)) continue;
      matched.push(m);
      facts.push(f);
    }
    if (matched.length > 0) {
      await o.limiter?.take(matched.length, o.signal).catch((err: unknown) => {
        throw o.signal.aborted ? stop : err;
      });
      const { rejected } = await o.sink!.apply(topic, partition, matched);
      for (const [code, n] of Object.entries(rejected)) countRejected(o.counts, code, n);
      for (const f of facts) countMatched(o.counts, tp, f);
    }
    o.counts.read += chunk.length;
    o.counts.batches++;
    o.positions[tp] = (BigInt(chunk[chunk.length - 1]!.offset) + 1n).toString();
    await o.checkpoint?.save(o.positions, o.counts);
    o.progress.tick(chunk.length);
    if (o.maxBatches !== undefined && o.counts.batches >= o.maxBatches) o.onLimit?.();
  }
}
