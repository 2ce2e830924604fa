import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from '../kafka-topics.ts';
import { uniqueName } from './unique-name.ts';

/** A topic with a never-colliding name (`<prefix>-…`) on the given brokers. */
export async function createTestTopic(brokers: string[], prefix: string, partitions = 1): Promise<string> {
  const topic = uniqueName(prefix);
  await ensureTopics(brokers, [{ topic, numPartitions: partitions }]);
  return topic;
}

/** Deletes a test topic; a topic that is already gone is fine. */
export async function deleteTestTopic(brokers: string[], clientId: string, topic: string): Promise<void> {
  const admin = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
