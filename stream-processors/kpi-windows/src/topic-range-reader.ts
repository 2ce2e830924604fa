import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

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
}

/**
 * Reads partitions from a start point up to their end offset as of the call (read_committed), then
 * returns. For restoring state from a changelog and for the recompute command: a bounded read, not
 * a consumer loop, so it does not go through ConsumerRunner (nothing is committed; the throwaway
 * group is deleted afterwards). kafkajs has no manual assignment, hence the group and the pausing
 * of partitions we don't want.
 */
export async function readTopicRange(opts: RangeReadOptions): Promise<void> {
  const { kafka, topic } = opts;
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `kpi-range-reader.${randomUUID()}`;
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const wanted = new Set(opts.partitions ?? ends.map((e) => e.partition));
    const starts = new Map<number, bigint>();
    if (opts.fromTimestamp !== undefined) {
      for (const o of await admin.fetchTopicOffsetsByTimestamp(topic, opts.fromTimestamp)) {
        starts.set(o.partition, BigInt(o.offset));
      }
    }
    const remaining = new Map<number, bigint>();
    for (const e of ends) {
      if (!wanted.has(e.partition)) continue;
      const end = BigInt(e.high);
      const start = starts.get(e.partition) ?? BigInt(e.low);
      if (end > start) remaining.set(e.partition, end);
    }
    if (remaining.size === 0) return;

    const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, maxBytesPerPartition: 8 << 20 });
    let finish!: () => void;
    let fail!: (err: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    const reached = (partition: number, lastOffset: string) => {
      const end = remaining.get(partition);
      if (end !== undefined && BigInt(lastOffset) + 1n >= end) {
        remaining.delete(partition);
        consumer.pause([{ topic, partitions: [partition] }]);
        if (remaining.size === 0) finish();
      }
    };
    // Fires for batches of only control records (transaction markers end every changelog) too.
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      if (e.payload.topic === topic) reached(e.payload.partition, e.payload.lastOffset);
    });
    consumer.on(consumer.events.CRASH, (e) => fail(e.payload.error));
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = remaining.get(batch.partition);
          if (end === undefined) {
            consumer.pause([{ topic, partitions: [batch.partition] }]);
            return;
          }
          const msgs = batch.messages.filter((m) => BigInt(m.offset) < end);
          if (msgs.length > 0) await opts.onBatch(batch.partition, msgs);
        },
      });
      const others = ends.map((e) => e.partition).filter((p) => !remaining.has(p));
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
      for (const [partition, start] of starts) {
        if (remaining.has(partition)) consumer.seek({ topic, partition, offset: start.toString() });
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`reading ${topic} did not reach the end within ${opts.timeoutMs ?? 120_000} ms`),
            ),
          opts.timeoutMs ?? 120_000,
        );
      });
      try {
        await Promise.race([done, timeout]);
      } finally {
        clearTimeout(timer);
      }
    } finally {
      await consumer.disconnect();
    }
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
