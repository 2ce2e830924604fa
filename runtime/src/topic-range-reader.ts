import type { Kafka, KafkaMessage } from 'kafkajs';
import { AssignedReader } from './assigned-reader.ts';

export interface RangeReadOptions {
  kafka: Kafka;
  topic: string;
  /** Partitions to read; undefined: all. */
  partitions?: number[];
  /** Start at the first offset whose timestamp is >= this (epoch ms); undefined: the beginning. */
  fromTimestamp?: number;
  /** Called in offset order per partition; awaited. */
  onBatch: (partition: number, messages: KafkaMessage[]) => Promise<void> | void;
  timeoutMs?: number;
  maxBytesPerPartition?: number;
}

/**
 * Reads partitions from a start point up to their end offset as of the call (read_committed), then
 * returns. For restoring state from a changelog and for recomputing: a bounded read by assignment,
 * so no consumer group is created, committed to or left behind.
 */
export async function readTopicRange(opts: RangeReadOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const reader = new AssignedReader({
    kafka: opts.kafka,
    topics: [opts.topic],
    partitions: opts.partitions,
    fromTimestamp: opts.fromTimestamp,
    untilEnd: true,
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 8 << 20,
    onBatch: (_topic, partition, messages) => opts.onBatch(partition, messages),
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await reader.start();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading ${opts.topic} did not reach the end within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    await Promise.race([reader.done, timeout]);
    reader.check();
  } finally {
    clearTimeout(timer);
    await reader.stop();
  }
}
