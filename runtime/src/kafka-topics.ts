import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, ITopicConfig } from 'kafkajs';
import { TransientError } from './errors.ts';

/**
 * Creates missing topics and waits until every partition has a leader. kafkajs' own
 * `waitForLeaders` gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker briefly answers
 * while new topic metadata propagates, so we poll metadata ourselves.
 */
export async function ensureTopics(admin: Admin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: false });

  const deadline = Date.now() + timeoutMs;
  const names = topics.map((t) => t.topic);
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: names });
      const ready = meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (ready) return;
    } catch {
      // Metadata not propagated yet; retried below until the deadline.
    }
    if (Date.now() > deadline) throw new TransientError('TOPICS_NOT_READY', `topics without leaders: ${names.join(', ')}`);
    await sleep(100);
  }
}
