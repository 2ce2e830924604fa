import {
  compatibilityPartitioner,
  Consumer,
  FetchIsolationLevels,
  ProduceAcks,
  Producer,
  type Message,
  type MessagesStream,
} from '@platformatic/kafka';
import { produceRequests } from '@retail-stream/runtime';
import { transformValue, type RecordSource } from './bench-records.ts';
import { platformaticConnection, type BenchKafkaEnv } from './bench-kafka-env.ts';
import { JoinClock, type ClientBench, type RunSpec } from './scenario.ts';

/** Same fetch size per partition as the kafkajs side (the runtime's ConsumerRunner setting). */
const MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;
/** Messages the consumer stream buffers: its default (1024) caps a transaction at ~1k records. */
const HIGH_WATER_MARK = 8192;
/** Ingest's default INGEST_MAX_REQUEST_BYTES, as on the kafkajs side. */
const MAX_REQUEST_BYTES = 900_000;

/**
 * @platformatic/kafka 1.x in its own idiom: idempotent Producer.send of the same chunks, a
 * MessagesStream per consumer, and a transaction per drained stream buffer (all partitions of the
 * member in one transaction, offsets via Transaction.addConsumer/addOffset, which send the group
 * generation and member id: KIP-447 fencing).
 *
 * Partitioner: compatibilityPartitioner (Java/kafkajs murmur2 & 0x7fffffff). The library's default
 * maps a key with murmur2 >>> 0, which puts about half of the store ids on another partition than
 * kafkajs and Java clients do — adoption must keep the compatible one.
 */
export function platformaticBench(env: BenchKafkaEnv): ClientBench {
  const connection = platformaticConnection(env);

  const newConsumer = (groupId: string) =>
    new Consumer({
      clientId: 'bench-platformatic',
      groupId,
      ...connection,
      maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
      highWaterMark: HIGH_WATER_MARK,
    });

  const consumeStream = (consumer: Consumer, topic: string, readCommitted: boolean) =>
    consumer.consume({
      topics: [topic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
      isolationLevel: readCommitted
        ? FetchIsolationLevels.READ_COMMITTED
        : FetchIsolationLevels.READ_UNCOMMITTED,
      maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
      highWaterMark: HIGH_WATER_MARK,
    });

  return {
    async produce(spec: RunSpec, source: RecordSource) {
      const producer = new Producer({
        clientId: 'bench-platformatic',
        ...connection,
        idempotent: true,
        acks: ProduceAcks.ALL,
        partitioner: compatibilityPartitioner,
      });
      // kafkajs' connect() fetches metadata and the producer id before its clock starts; do the same.
      await producer.initIdempotentProducer({});
      await producer.metadata({ topics: [spec.topic] });
      const clock = new JoinClock();
      clock.started();
      let bytes = 0;
      for (let from = 0; from < spec.records; from += spec.chunk) {
        const records = source.chunk(from, Math.min(spec.records, from + spec.chunk));
        const messages = records.map((r) => ({ topic: spec.topic, key: r.key, value: r.value }));
        for (const m of records) bytes += m.key.length + m.value.length;
        await producer.send({ messages });
      }
      const { seconds, cpuSeconds } = clock.stop();
      await producer.close();
      return { records: spec.records, seconds, cpuSeconds, bytes };
    },

    async consume(spec: RunSpec) {
      const consumer = newConsumer(spec.groupId!);
      const clock = new JoinClock();
      consumer.on('consumer:group:join', () => clock.started());
      const stream = await consumeStream(consumer, spec.topic, false);
      let count = 0;
      let bytes = 0;
      const { seconds, cpuSeconds } = await new Promise<{ seconds: number; cpuSeconds: number }>(
        (resolve, reject) => {
          stream.on('error', reject);
          stream.on('data', (m: Message) => {
            clock.started();
            bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
            if (++count === spec.records) resolve(clock.stop());
          });
        },
      );
      await stream.close();
      await consumer.close(true);
      return { records: count, seconds, cpuSeconds, bytes };
    },

    async transform(spec: RunSpec) {
      const consumer = newConsumer(spec.groupId!);
      const producer = new Producer({
        clientId: 'bench-platformatic',
        ...connection,
        transactionalId: `${spec.groupId}-txn`,
        idempotent: true,
        acks: ProduceAcks.ALL,
        partitioner: compatibilityPartitioner,
      });
      const clock = new JoinClock();
      consumer.on('consumer:group:join', () => clock.started());
      const stream = await consumeStream(consumer, spec.topic, true);
      const queue = new BatchQueue(stream, MAX_BYTES_PER_PARTITION);
      let count = 0;
      let bytes = 0;
      let transactions = 0;
      while (count < spec.records) {
        const batch = await queue.next();
        clock.started();
        const out = batch.map((m) => ({ key: m.key, value: transformValue(m.value, m.offset) }));
        const txn = await producer.beginTransaction();
        try {
          // The same request split as the kafkajs side: each send under message.max.bytes.
          for (const request of produceRequests(
            [{ topic: spec.outputTopic!, messages: out }],
            MAX_REQUEST_BYTES,
          )) {
            const messages = request.flatMap((tm) =>
              tm.messages.map((m) => ({ topic: tm.topic, key: m.key as Buffer, value: m.value as Buffer })),
            );
            await txn.send({ messages });
          }
          await txn.addConsumer(consumer);
          // One TxnOffsetCommit per partition, in sequence: the library deduplicates concurrent
          // offset commits of one producer into a single request.
          for (const last of lastPerPartition(batch)) await txn.addOffset(last);
          await txn.commit();
        } catch (err) {
          await txn.abort().catch(() => undefined);
          throw err;
        }
        transactions++;
        if (process.env.BENCH_TRACE)
          process.stderr.write(
            `txn ${transactions}: ${batch.length} records at ${clock.seconds().toFixed(2)} s\n`,
          );
        for (const m of out) bytes += m.key.length + m.value.length;
        count += batch.length;
      }
      const { seconds, cpuSeconds } = clock.stop();
      await stream.close();
      await Promise.all([consumer.close(true), producer.close()]);
      return { records: count, seconds, cpuSeconds, bytes, transactions };
    },
  };
}

/**
 * Batches out of a MessagesStream. The stream only fetches while flowing (read() in paused mode
 * stalls it), so records are taken from 'data' events into a queue, and the stream is paused while
 * the queue holds more than two transactions' worth. A transaction takes what is queued up to
 * `maxBytes` of values: the same bound as a kafkajs batch (maxBytesPerPartition), so both clients
 * commit transactions of similar size.
 */
class BatchQueue {
  private readonly queue: Message[] = [];
  private queuedBytes = 0;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>,
    private readonly maxBytes: number,
  ) {
    stream.on('data', (m: Message) => {
      this.queue.push(m);
      this.queuedBytes += m.value.length;
      if (this.queuedBytes >= 2 * maxBytes) stream.pause();
      this.wakeUp();
    });
    stream.on('error', (err: Error) => {
      this.failure = err;
      this.wakeUp();
    });
  }

  /** Whatever is queued (at most `maxBytes`), waiting for at least one record. */
  async next(): Promise<Message[]> {
    while (this.queue.length === 0) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && (n === 0 || bytes + this.queue[n]!.value.length <= this.maxBytes)) {
      bytes += this.queue[n]!.value.length;
      n++;
    }
    this.queuedBytes -= bytes;
    const batch = this.queue.splice(0, n);
    if (this.stream.isPaused() && this.queuedBytes < this.maxBytes) this.stream.resume();
    return batch;
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

function lastPerPartition(batch: readonly Message[]): Message[] {
  const last = new Map<string, Message>();
  for (const m of batch) last.set(`${m.topic}:${m.partition}`, m);
  return [...last.values()];
}
