import { logLevel } from 'kafkajs';
import { ensureTopics } from '../kafka-topics.ts';
import { uniqueName } from './unique-name.ts';
import { newKafkaClient } from '../kafka-security-config.ts';

/** A topic with a never-colliding name (`<prefix>-…`) on the given brokers. */
export async function createTestTopic(brokers: string[], prefix: string, partitions = 1): Promise<string> {
  const topic = uniqueName(prefix);
  await ensureTopics(brokers, [{ topic, numPartitions: partitions }]);
  return topic;
}

/**
 * Deletes test topics that exist; topics already gone are fine. Asking the broker to delete a
 * topic it does not know makes kafkajs retry for a long time, so only existing ones are named.
 */
export async function deleteTestTopics(brokers: string[], topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = newKafkaClient({
    clientId: 'test-topics-cleanup',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((t) => existing.has(t));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes a test topic; a topic that is already gone is fine. */
export async function deleteTestTopic(brokers: string[], _clientId: string, topic: string): Promise<void> {
  await deleteTestTopics(brokers, [topic]);
}

/** Topic names by role, plus `drop()` deleting them all. */
export type TestTopics<K extends string> = Readonly<Record<K, string>> & {
  readonly all: readonly string[];
  drop(): Promise<void>;
};

/**
 * Fresh topics for one test file or test, one per role: `{ events: 3, dlq: 1 }` creates
 * `<prefix>-events-…` with 3 partitions and `<prefix>-dlq-…` with 1. Setup in beforeAll,
 * `drop()` in afterAll.
 */
export async function testTopics<K extends string>(
  brokers: string[],
  prefix: string,
  partitions: Record<K, number>,
): Promise<TestTopics<K>> {
  const names = {} as Record<K, string>;
  const all: string[] = [];
  try {
    for (const role of Object.keys(partitions) as K[]) {
      names[role] = await createTestTopic(brokers, `${prefix}-${role}`, partitions[role]);
      all.push(names[role]);
    }
  } catch (err) {
    // A setup that failed half-way must not leave the topics it did create behind.
    await deleteTestTopics(brokers, all).catch(() => undefined);
    throw err;
  }
  return { ...names, all, drop: () => deleteTestTopics(brokers, all) };
}
