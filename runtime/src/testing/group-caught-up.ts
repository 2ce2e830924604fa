import type { Kafka } from 'kafkajs';
import { waitFor } from './wait-for.ts';

/**
 * True once the consumer group has committed the end of every partition of the topics (an empty
 * partition counts as done): everything written before the call has been handled and committed.
 */
export async function groupCaughtUp(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
): Promise<boolean> {
  const admin = kafka.admin();
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

/** A committed offset (-1: none) has reached the high watermark, or the partition holds nothing. */
export function partitionDone(committed: string, low: string, high: string): boolean {
  return high === low || BigInt(committed) >= BigInt(high);
}

/** Waits until groupCaughtUp (fails after timeoutMs naming the group and topics). */
export async function waitForGroupCaughtUp(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
  timeoutMs = 45_000,
): Promise<void> {
  await waitFor(() => groupCaughtUp(kafka, groupId, topics), {
    timeoutMs,
    intervalMs: 250,
    what: `group ${groupId} to commit the end of ${topics.join(', ')}`,
  });
}
