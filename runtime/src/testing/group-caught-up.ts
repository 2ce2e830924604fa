import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from './wait-for.ts';
import { newKafkaClient } from '../kafka-security-config.ts';

/**
 * True once the consumer group has committed the end of every partition of the topics (an empty
 * partition counts as done): everything written before the call has been handled and committed.
 */
export async function groupCaughtUp(
  kafka: Kafka | readonly string[],
  groupId: string,
  topics: readonly string[],
): Promise<boolean> {
  const admin = kafkaOf(kafka).admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    for (const topic of topics) {
      const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const end of await admin.fetchTopicOffsets(topic)) {
        const at = mine.find((p) => p.partition === end.partition)?.offset ?? '-1';
        if (!partitionDone(at, end.low, end.high)) return false;
      }
    }
    return true;
  } finally {
    await admin.disconnect();
  }
}

/** A test passes its own Kafka client or just the brokers. */
function kafkaOf(kafka: Kafka | readonly string[]): Kafka {
  if (!Array.isArray(kafka)) return kafka as Kafka;
  return newKafkaClient({ clientId: 'test-group-offsets', brokers: [...kafka], logLevel: logLevel.NOTHING });
}

/** A committed offset (-1: none) has reached the high watermark, or the partition holds nothing. */
export function partitionDone(committed: string, low: string, high: string): boolean {
  return high === low || BigInt(committed) >= BigInt(high);
}

/** Waits until groupCaughtUp (fails after timeoutMs naming the group and topics). */
export async function waitForGroupCaughtUp(
  kafka: Kafka | readonly string[],
  groupId: string,
  topics: readonly string[],
  timeoutMs = 45_000,
  /** Added to the failure message, e.g. the service's last output. */
  context?: () => string,
): Promise<void> {
  const client = kafkaOf(kafka);
  await waitFor(() => groupCaughtUp(client, groupId, topics), {
    timeoutMs,
    intervalMs: 250,
    what: `group ${groupId} to commit the end of ${topics.join(', ')}`,
  }).catch((err: Error) => {
    throw context ? new Error(`${err.message}\n${context()}`) : err;
  });
}
