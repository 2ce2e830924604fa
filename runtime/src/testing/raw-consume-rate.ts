import type { Kafka } from 'kafkajs';
import { uniqueName } from './unique-name.ts';

/**
 * A benchmark's ceiling: a plain kafkajs consumer in a fresh group reading `records` records of
 * `topic` from the beginning, with no decoding. Records/s from its first batch to the last record.
 */
export async function rawConsumeRate(
  kafka: Kafka,
  topic: string,
  records: number,
  groupPrefix: string,
): Promise<number> {
  const consumer = kafka.consumer({ groupId: uniqueName(groupPrefix), maxBytesPerPartition: 512 * 1024 });
  let count = 0;
  let first = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      if (first === 0) first = performance.now();
      count += batch.messages.length;
      if (count >= records) done();
    },
  });
  await finished;
  const seconds = (performance.now() - first) / 1000;
  await consumer.disconnect();
  return records / seconds;
}
