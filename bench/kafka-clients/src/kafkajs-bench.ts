import { produceRequests } from '@retail-stream/runtime';
import { Partitioners, type Message } from 'kafkajs';
import { transformValue, type RecordSource } from './bench-records.ts';
import { kafkajsClient, kafkajsLogCounts, type BenchKafkaEnv } from './bench-kafka-env.ts';
import { JoinClock, type ClientBench, type RunSpec } from './scenario.ts';

/** Same fetch size as the runtime's ConsumerRunner, so the consume numbers are what a service gets. */
const MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;
/** Ingest's default INGEST_MAX_REQUEST_BYTES: a fetched 4 MiB batch is written in several requests. */
export const MAX_REQUEST_BYTES = 900_000;

/**
 * kafkajs 2.2.4 as our services use it: idempotent producer with acks=all and one request in flight
 * (what kafkajs requires for idempotence), eachBatch consumers, and the ingest loop's
 * transaction-per-fetched-batch with sendOffsets.
 */
export function kafkajsBench(env: BenchKafkaEnv): ClientBench {
  const kafka = kafkajsClient(env, 'bench-kafkajs');

  return {
    async produce(spec: RunSpec, source: RecordSource) {
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      const clock = new JoinClock();
      clock.started();
      let bytes = 0;
      for (let from = 0; from < spec.records; from += spec.chunk) {
        const messages = source.chunk(from, Math.min(spec.records, from + spec.chunk));
        for (const m of messages) bytes += m.key.length + m.value.length;
        await producer.send({ topic: spec.topic, acks: -1, messages });
      }
      const { seconds, cpuSeconds } = clock.stop();
      await producer.disconnect();
      return { records: spec.records, seconds, cpuSeconds, bytes };
    },

    async consume(spec: RunSpec) {
      const consumer = kafka.consumer({
        groupId: spec.groupId!,
        maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
      });
      const clock = new JoinClock();
      consumer.on(consumer.events.GROUP_JOIN, () => clock.started());
      await consumer.connect();
      await consumer.subscribe({ topics: [spec.topic], fromBeginning: true });
      let count = 0;
      let bytes = 0;
      const done = new Promise<{ seconds: number; cpuSeconds: number }>((resolve) => {
        void consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            clock.started();
            for (const m of batch.messages) bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
            count += batch.messages.length;
            if (count >= spec.records) resolve(clock.stop());
          },
        });
      });
      const { seconds, cpuSeconds } = await done;
      await consumer.disconnect();
      return { records: count, seconds, cpuSeconds, bytes };
    },

    async transform(spec: RunSpec) {
      const consumer = kafka.consumer({
        groupId: spec.groupId!,
        maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
        readUncommitted: false,
      });
      const producer = kafka.producer({
        transactionalId: `${spec.groupId}-txn`,
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      const clock = new JoinClock();
      consumer.on(consumer.events.GROUP_JOIN, () => clock.started());
      await Promise.all([consumer.connect(), producer.connect()]);
      await consumer.subscribe({ topics: [spec.topic], fromBeginning: true });
      let count = 0;
      let bytes = 0;
      let transactions = 0;
      let fail: (err: unknown) => void = () => undefined;
      const done = new Promise<{ seconds: number; cpuSeconds: number }>((resolve, reject) => {
        fail = reject;
        void consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset }) => {
            clock.started();
            if (batch.messages.length === 0) return;
            const out: Message[] = batch.messages.map((m) => ({
              key: m.key,
              value: transformValue(m.value!, BigInt(m.offset)),
            }));
            const txn = await producer.transaction();
            try {
              // As ingest does: requests under the broker's message.max.bytes (one batch per partition each).
              for (const request of produceRequests(
                [{ topic: spec.outputTopic!, messages: out }],
                MAX_REQUEST_BYTES,
              )) {
                await txn.sendBatch({ topicMessages: request, acks: -1 });
              }
              await txn.sendOffsets({
                consumerGroupId: spec.groupId!,
                topics: [
                  {
                    topic: batch.topic,
                    partitions: [
                      { partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
                    ],
                  },
                ],
              });
              await txn.commit();
            } catch (err) {
              await txn.abort().catch(() => undefined);
              fail(err);
              throw err;
            }
            // The next fetch starts after this batch (the runner does the same after its commit).
            resolveOffset(batch.lastOffset());
            transactions++;
            for (const m of out) bytes += (m.key?.length ?? 0) + (m.value as Buffer).length;
            count += batch.messages.length;
            if (count >= spec.records) resolve(clock.stop());
          },
        });
      });
      const { seconds, cpuSeconds } = await done;
      await consumer.disconnect();
      await producer.disconnect();
      return {
        records: count,
        seconds,
        cpuSeconds,
        bytes,
        transactions,
        concurrentTxnRetries: kafkajsLogCounts.concurrentTransactions,
      };
    },
  };
}
