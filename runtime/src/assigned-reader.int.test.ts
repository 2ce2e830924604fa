import type { Admin, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '../../infra/src/service-env.ts';
import { AssignedReader } from './assigned-reader.ts';
import { createKafka } from './kafka-client.ts';
import { ensureTopics } from './kafka-topics.ts';
import { createLogger } from './logger.ts';
import { kafkaConfig } from './service-config.ts';
import { readTopicRange } from './topic-range-reader.ts';
import { uniqueName } from './testing/index.ts';

const logger = createLogger({ service: 'assigned-reader-test', level: 'error' });
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let brokers: string[];

beforeAll(async () => {
  const cfg = kafkaConfig.parse({ KAFKA_BROKERS: serviceEnv().KAFKA_BROKERS });
  brokers = cfg.KAFKA_BROKERS;
  kafka = createKafka(cfg, 'assigned-reader-test', logger);
  admin = kafka.admin();
  producer = kafka.producer({ idempotent: true });
  await Promise.all([admin.connect(), producer.connect()]);
});
afterAll(async () => {
  await Promise.all([admin?.disconnect(), producer?.disconnect()]);
});

/** A topic holding committed records c0..c{n-1} on each partition and one aborted transaction. */
async function topicWithTransactions(n: number, partitions = 2): Promise<string> {
  const topic = uniqueName('assigned');
  await ensureTopics(brokers, [{ topic, numPartitions: partitions }]);
  const txProducer = kafka.producer({
    transactionalId: uniqueName('assigned-tx'),
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await txProducer.connect();
  try {
    const aborted = await txProducer.transaction();
    await aborted.send({ topic, messages: [{ key: 'x', value: 'aborted', partition: 0 }] });
    await aborted.abort();
    const committed = await txProducer.transaction();
    for (let p = 0; p < partitions; p++) {
      await committed.send({
        topic,
        messages: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `c${i}`, partition: p })),
      });
    }
    await committed.commit();
  } finally {
    await txProducer.disconnect();
  }
  return topic;
}

describe('AssignedReader', () => {
  it('reads committed records only, reaches the end past markers, and leaves no consumer group', async () => {
    const before = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
    const topic = await topicWithTransactions(50);
    const seen = new Map<number, string[]>();
    const reader = new AssignedReader({
      kafka,
      topics: [topic],
      onBatch: (_t, p, ms) =>
        void seen.set(p, [...(seen.get(p) ?? []), ...ms.map((m) => m.value!.toString())]),
    });
    await reader.start();
    try {
      await reader.waitForEnd(topic, undefined, { timeoutMs: 20_000 });
      expect(seen.get(0)).toEqual(Array.from({ length: 50 }, (_, i) => `c${i}`));
      expect(seen.get(1)).toHaveLength(50);
      // Follows: a record written later arrives.
      await producer.send({ topic, acks: -1, messages: [{ key: 'late', value: 'late', partition: 1 }] });
      await reader.waitForEnd(topic, [1], { timeoutMs: 20_000 });
      expect(seen.get(1)!.at(-1)).toBe('late');
    } finally {
      await reader.stop();
    }
    const after = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => !before.has(g));
    expect(after.filter((g) => g.includes('assigned') || g.includes('range'))).toEqual([]);
  });

  it('reads a bounded range of chosen partitions and stops at the end as of the call', async () => {
    const topic = await topicWithTransactions(30, 3);
    const got: KafkaMessage[] = [];
    await readTopicRange({ kafka, topic, partitions: [2], onBatch: (p, ms) => void got.push(...ms) });
    expect(got.map((m) => m.value!.toString())).toEqual(Array.from({ length: 30 }, (_, i) => `c${i}`));
    // An empty range returns at once.
    const empty = uniqueName('assigned-empty');
    await ensureTopics(brokers, [{ topic: empty, numPartitions: 1 }]);
    await readTopicRange({ kafka, topic: empty, onBatch: () => expect.fail('no records') });
  });

  it('stops with the handler error of a bounded read', async () => {
    const topic = await topicWithTransactions(5, 1);
    await expect(
      readTopicRange({
        kafka,
        topic,
        onBatch: () => {
          throw new Error('bad record');
        },
      }),
    ).rejects.toThrow('bad record');
  });
});
