/**
 * Smoke test of the Kafka started by `npm run infra:up -- kafka`, driven by kafkajs 2.2.4 (the client
 * the whole project uses), so a broker/client protocol mismatch shows up here first.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLevel, type Admin, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import { serviceEnv } from '../service-env.ts';
import { ensureTopics, newKafkaClient } from '@retail-stream/runtime';

const brokers = serviceEnv().KAFKA_BROKERS!.split(',');
const run = `${Date.now()}-${crypto.randomBytes(3).toString('hex')}`;
// kafkajs logs retriable broker answers (NOT_COORDINATOR while __transaction_state is created,
// CONCURRENT_TRANSACTIONS right after a commit) at ERROR before retrying them; real failures still
// reject the awaited call, so its log would only be noise here.
const kafka = newKafkaClient({
  clientId: `smoke-kafka-${run}`,
  brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 3_000,
});

/** kafkajs decodes the record-batch header into every message but leaves it out of its types. */
interface BatchContext {
  producerId: string;
  firstSequence: number;
  inTransaction: boolean;
}
const batchOf = (m: KafkaMessage) => (m as KafkaMessage & { batchContext: BatchContext }).batchContext;

interface Received {
  partition: number;
  offset: number;
  key: string;
  value: string;
  batch: BatchContext;
}

const open: Array<Admin | Producer | Consumer> = [];
function track<T extends Admin | Producer | Consumer>(client: T): T {
  open.push(client);
  return client;
}

/**
 * Reads `topic` from the beginning in a fresh group until `done` says enough arrived. Finishing on a
 * predicate rather than a quiet period keeps the test fast and free of sleeps.
 */
async function consumeUntil(
  topic: string,
  done: (got: Received[]) => boolean,
  opts: { readUncommitted?: boolean; timeoutMs?: number } = {},
): Promise<Received[]> {
  const consumer = track(
    kafka.consumer({
      groupId: `smoke-${topic}-${crypto.randomBytes(3).toString('hex')}`,
      readUncommitted: opts.readUncommitted ?? false,
      maxWaitTimeInMs: 250,
    }),
  );
  const got: Received[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${got.length} message(s) from ${topic}`)),
        opts.timeoutMs ?? 20_000,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            got.push({
              partition,
              offset: Number(message.offset),
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
              batch: batchOf(message),
            });
            if (done(got)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return got;
  } finally {
    await consumer.disconnect();
  }
}

let admin: Admin;

beforeAll(async () => {
  admin = track(kafka.admin());
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (err) {
    throw new Error(
      `Kafka is not reachable at ${brokers.join(',')} (${(err as Error).message}); start it with \`npm run infra:up -- kafka\``,
    );
  }
});

afterAll(async () => {
  await Promise.allSettled(open.map((c) => c.disconnect()));
});

describe('kafka (kafkajs against the local broker)', () => {
  const topic = `smoke.kafka.${run}`;
  const keys = ['store-1', 'store-2', 'store-3', 'store-4', 'store-5'];
  const perKey = 12;

  it('creates a 3-partition topic and lists it', async () => {
    expect(await ensureTopics(brokers, [{ topic, numPartitions: 3 }])).toBe(true);
    expect(await admin.listTopics()).toContain(topic);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]!.partitions).toHaveLength(3);
    for (const p of meta.topics[0]!.partitions) expect(p.leader).toBeGreaterThan(0);
  });

  it('delivers keyed messages to a fresh consumer group with per-key order', async () => {
    const producer = track(kafka.producer());
    await producer.connect();
    // One message per send, interleaving keys, so per-key order is not an artefact of one batch.
    for (let seq = 0; seq < perKey; seq++) {
      for (const key of keys) {
        await producer.send({ topic, messages: [{ key, value: JSON.stringify({ key, seq }) }] });
      }
    }
    await producer.disconnect();

    const total = keys.length * perKey;
    const got = await consumeUntil(topic, (g) => g.length >= total);
    expect(got).toHaveLength(total);
    for (const key of keys) {
      const mine = got.filter((m) => m.key === key);
      // Same key → same partition → consumed in the order produced.
      expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
      expect(mine.map((m) => JSON.parse(m.value))).toEqual(
        Array.from({ length: perKey }, (_, seq) => ({ key, seq })),
      );
    }
    // The default partitioner spreads 5 keys over more than one of the 3 partitions.
    expect(new Set(got.map((m) => m.partition)).size).toBeGreaterThan(1);
  });

  it('idempotent producer writes each message once, stamped with a producer id and sequence', async () => {
    const idemTopic = `${topic}.idempotent`;
    await ensureTopics(brokers, [{ topic: idemTopic, numPartitions: 3 }]);
    // kafkajs only guarantees ordering for idempotence with one request in flight.
    const producer = track(kafka.producer({ idempotent: true, maxInFlightRequests: 1 }));
    await producer.connect();
    const values = Array.from({ length: 30 }, (_, i) => `idem-${i}`);
    const results = await producer.send({
      topic: idemTopic,
      acks: -1,
      messages: values.map((value, i) => ({ key: `k${i % 3}`, value })),
    });
    expect(results.every((r) => r.errorCode === 0)).toBe(true);
    await producer.disconnect();

    const got = await consumeUntil(idemTopic, (g) => g.length >= values.length);
    expect(got.map((m) => m.value).sort()).toEqual([...values].sort());
    for (const m of got) {
      expect(m.batch.producerId).not.toBe('-1');
      expect(m.batch.firstSequence).toBeGreaterThanOrEqual(0);
    }
    // Offsets per partition are contiguous from 0: nothing written twice, nothing lost.
    for (const p of [0, 1, 2]) {
      const offsets = got.filter((m) => m.partition === p).map((m) => m.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  });

  it('transactions: read_committed sees the committed batches only, read_uncommitted sees all', async () => {
    const txTopic = `${topic}.tx`;
    await ensureTopics(brokers, [{ topic: txTopic, numPartitions: 3 }]);
    const producer = track(
      kafka.producer({ transactionalId: `smoke-tx-${run}`, idempotent: true, maxInFlightRequests: 1 }),
    );
    await producer.connect();
    // One message per partition in each batch, and a committed batch after the aborted one, so a
    // read_committed consumer that reached the last batch has provably stepped over the aborted one.
    const batch = (label: string) =>
      [0, 1, 2].map((partition) => ({ partition, key: label, value: `${label}-${partition}` }));
    for (const [label, outcome] of [
      ['committed-1', 'commit'],
      ['aborted', 'abort'],
      ['committed-2', 'commit'],
    ] as const) {
      const tx = await producer.transaction();
      await tx.send({ topic: txTopic, messages: batch(label) });
      await (outcome === 'commit' ? tx.commit() : tx.abort());
    }
    await producer.disconnect();

    const committed = await consumeUntil(
      txTopic,
      (g) => g.filter((m) => m.key === 'committed-2').length === 3,
    );
    expect(committed.map((m) => m.value).sort()).toEqual(
      [
        'committed-1-0',
        'committed-1-1',
        'committed-1-2',
        'committed-2-0',
        'committed-2-1',
        'committed-2-2',
      ].sort(),
    );
    expect(committed.every((m) => m.batch.inTransaction)).toBe(true);

    const everything = await consumeUntil(txTopic, (g) => g.length >= 9, { readUncommitted: true });
    expect(
      everything
        .filter((m) => m.key === 'aborted')
        .map((m) => m.value)
        .sort(),
    ).toEqual(['aborted-0', 'aborted-1', 'aborted-2']);
  });

  afterAll(async () => {
    await admin
      .deleteTopics({ topics: [topic, `${topic}.idempotent`, `${topic}.tx`] })
      .catch(() => undefined);
  });
});
