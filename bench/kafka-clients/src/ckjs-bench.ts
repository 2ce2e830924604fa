import { transformValue, type RecordSource } from './bench-records.ts';
import type { BenchKafkaEnv } from './bench-kafka-env.ts';
import { loadCkjs, type CkjsConsumer, type CkjsMessage } from './ckjs-load.ts';
import { JoinClock, type ClientBench, type RunSpec } from './scenario.ts';

/** Same fetch size per partition as the other two clients (the runtime's ConsumerRunner setting). */
const MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;
/** librdkafka's code for "partitions assigned" in a rebalance callback (RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS). */
const ERR_ASSIGN_PARTITIONS = -175;
/** KafkaJS-compatible log levels: ERROR only (each client's warnings would otherwise go to stderr). */
const LOG_ERROR = 1;
/**
 * librdkafka / js.* properties merged into every consumer's config (JSON), for trying its knobs
 * without editing the bench, e.g. '{"js.consumer.max.batch.size":-1,"queued.max.messages.kbytes":8192}'.
 */
const CONSUMER_OVERRIDES_ENV = 'BENCH_CKJS_CONSUMER_CONFIG';

/**
 * @confluentinc/kafka-javascript through its KafkaJS-compatible API (`require(...).KafkaJS`), loaded
 * from an out-of-tree build (ckjs-load.ts). What differs from kafkajs, as its MIGRATION.md says:
 * - settings live in a `kafkaJS: {...}` block; acks, fromBeginning and autoCommit are set per
 *   producer/consumer, not per send/subscribe/run; librdkafka properties go outside the block;
 * - `sendOffsets` takes the consumer object, not a group id: librdkafka sends the member's
 *   generation with the offsets (KIP-447 fencing, which kafkajs lacks);
 * - eachBatch batches are cut client-side, `js.consumer.max.batch.size` records at most (default
 *   32): set here to 4 MiB worth of values, so a transaction holds about what one kafkajs partition
 *   fetch does;
 * - an idempotent producer keeps up to 5 requests in flight per broker (kafkajs: 1), and librdkafka
 *   batches by itself, so the transactional loop sends one `send` per batch with no request split;
 * - no `socketFactory` (the network-fault tests' hook), no custom partitioner function (its
 *   default, murmur2_random, is the Java/kafkajs mapping).
 * librdkafka does its network I/O and encoding on its own threads: process.cpuUsage counts them.
 */
export function ckjsBench(env: BenchKafkaEnv): ClientBench {
  const { KafkaJS } = loadCkjs();
  const s = env.security;
  const kafka = new KafkaJS.Kafka({
    kafkaJS: {
      clientId: 'bench-ckjs',
      brokers: env.brokers,
      logLevel: LOG_ERROR,
      ...(s.KAFKA_SASL_MECHANISM && s.KAFKA_SASL_USERNAME && s.KAFKA_SASL_PASSWORD
        ? {
            sasl: {
              mechanism: s.KAFKA_SASL_MECHANISM,
              username: s.KAFKA_SASL_USERNAME,
              password: s.KAFKA_SASL_PASSWORD,
            },
          }
        : {}),
      ...(s.KAFKA_SSL || s.KAFKA_SSL_CA_FILE ? { ssl: true } : {}),
    },
    ...(s.KAFKA_SSL_CA_FILE ? { 'ssl.ca.location': s.KAFKA_SSL_CA_FILE } : {}),
  });

  const newConsumer = (spec: RunSpec, clock: JoinClock, readCommitted: boolean): CkjsConsumer =>
    kafka.consumer({
      kafkaJS: {
        groupId: spec.groupId!,
        fromBeginning: true,
        autoCommit: false,
        maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
        readUncommitted: !readCommitted,
      },
      'js.consumer.max.batch.size': Math.max(1, Math.floor(MAX_BYTES_PER_PARTITION / spec.valueBytes)),
      // Called with the assignment once the member has joined: the clock starts there, as for kafkajs' GROUP_JOIN.
      rebalance_cb: (err: { code: number }) => {
        if (err.code === ERR_ASSIGN_PARTITIONS) clock.started();
      },
      ...(JSON.parse(process.env[CONSUMER_OVERRIDES_ENV] ?? '{}') as object),
    });

  return {
    async produce(spec: RunSpec, source: RecordSource) {
      const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 } });
      await producer.connect();
      const clock = new JoinClock();
      clock.started();
      let bytes = 0;
      for (let from = 0; from < spec.records; from += spec.chunk) {
        const messages = source.chunk(from, Math.min(spec.records, from + spec.chunk));
        for (const m of messages) bytes += m.key.length + m.value.length;
        await producer.send({ topic: spec.topic, messages });
      }
      const { seconds, cpuSeconds } = clock.stop();
      await producer.disconnect();
      return { records: spec.records, seconds, cpuSeconds, bytes };
    },

    async consume(spec: RunSpec) {
      const clock = new JoinClock();
      const consumer = newConsumer(spec, clock, false);
      await consumer.connect();
      await consumer.subscribe({ topics: [spec.topic] });
      let count = 0;
      let bytes = 0;
      const done = new Promise<{ seconds: number; cpuSeconds: number }>((resolve) => {
        void consumer.run({
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
      const clock = new JoinClock();
      const consumer = newConsumer(spec, clock, true);
      const producer = kafka.producer({
        kafkaJS: { transactionalId: `${spec.groupId}-txn`, idempotent: true, acks: -1 },
      });
      await Promise.all([consumer.connect(), producer.connect()]);
      await consumer.subscribe({ topics: [spec.topic] });
      let count = 0;
      let bytes = 0;
      let transactions = 0;
      let fail: (err: unknown) => void = () => undefined;
      const done = new Promise<{ seconds: number; cpuSeconds: number }>((resolve, reject) => {
        fail = reject;
        void consumer.run({
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset }) => {
            clock.started();
            if (batch.messages.length === 0) return;
            const out = batch.messages.map((m: CkjsMessage) => ({
              key: m.key!,
              value: transformValue(m.value!, BigInt(m.offset)),
            }));
            const txn = await producer.transaction();
            try {
              await txn.send({ topic: spec.outputTopic!, messages: out });
              await txn.sendOffsets({
                consumer,
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
            resolveOffset(batch.lastOffset());
            transactions++;
            for (const m of out) bytes += m.key.length + m.value.length;
            count += batch.messages.length;
            if (count >= spec.records) resolve(clock.stop());
          },
        });
      });
      const { seconds, cpuSeconds } = await done;
      await consumer.disconnect();
      await producer.disconnect();
      return { records: count, seconds, cpuSeconds, bytes, transactions };
    },
  };
}
