import { Partitioners, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '../../infra/src/service-env.ts';
import { createKafka } from './kafka-client.ts';
import { ensureTopics } from './kafka-topics.ts';
import { createLogger } from './logger.ts';
import { kafkaConfig } from './service-config.ts';
import { deleteTestTopics, TopicCollector, uniqueName } from './testing/index.ts';

const logger = createLogger({ service: 'partitioner-test', level: 'error' });
let kafka: Kafka;
let brokers: string[];
const topics: string[] = [];

beforeAll(() => {
  const cfg = kafkaConfig.parse({ KAFKA_BROKERS: serviceEnv().KAFKA_BROKERS });
  brokers = cfg.KAFKA_BROKERS;
  kafka = createKafka(cfg, 'partitioner-test', logger);
});
afterAll(() => deleteTestTopics(brokers, topics));

describe('a runtime producer on a real broker', () => {
  it("puts each store's records on the partition kafkajs' (and Java's) murmur2 partitioner picks", async () => {
    const topic = uniqueName('partitioner');
    topics.push(topic);
    await ensureTopics(brokers, [{ topic, numPartitions: 6 }]);
    const stores = Array.from({ length: 60 }, (_, i) => `S${String(i).padStart(3, '0')}`);
    // No createPartitioner: the runtime's default is under test.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: stores.map((key) => ({ key, value: key })) });
    await producer.disconnect();

    const collector = await new TopicCollector(brokers, topic, 'partitioner-test').start();
    await collector.waitForCount(stores.length);
    await collector.stop();

    const expected = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    const byKey = new Map(collector.messages.map((m) => [m.key, m.partition]));
    expect(byKey.size).toBe(stores.length);
    for (const key of stores) {
      expect(byKey.get(key), key).toBe(expected({ topic, partitionMetadata, message: { key, value: key } }));
    }
    // Sixty stores over six partitions: the keys really spread (a constant partitioner would fail).
    expect(new Set(byKey.values()).size).toBe(6);
  });
});
