import { setTimeout as sleep } from 'node:timers/promises';
import { logLevel, type Admin, type ITopicConfig } from 'kafkajs';
import { TransientError } from './errors.ts';
import { effectiveKafkaSecurity, newKafkaClient, type KafkaSecurityConfig } from './kafka-security-config.ts';

/**
 * Creates missing topics and returns once every broker can serve them. kafkajs' `waitForLeaders`
 * is not enough on KRaft: brokers apply a new topic from the metadata log a few hundred ms apart,
 * so the broker kafkajs asks may answer UNKNOWN_TOPIC_OR_PARTITION, which kafkajs does not retry
 * (19 of 30 creates failed that way on the local 3-node cluster). A first produce that meets a
 * not-yet-ready leader can also write a batch twice through kafkajs' retry. Returns true when this
 * call created at least one topic.
 */
export async function ensureTopics(
  brokers: string[],
  topics: ITopicConfig[],
  timeoutMs = 30_000,
  /** The caller's credentials (a service passes its config); process.env's otherwise. */
  security?: KafkaSecurityConfig,
): Promise<boolean> {
  // One client per broker so each metadata answer comes from that broker, and no retries of its
  // own: the loop below is the retry.
  const admins: Admin[] = brokers.map((b) =>
    newKafkaClient(
      {
        clientId: 'ensure-topics',
        brokers: [b],
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
      },
      security && effectiveKafkaSecurity(security),
    ).admin(),
  );
  try {
    await Promise.all(admins.map((a) => a.connect()));
    const existing = new Set(await admins[0]!.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    const created =
      missing.length > 0 && (await admins[0]!.createTopics({ topics: missing, waitForLeaders: false }));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const notYet = await whyNotServed(admins, topics);
      if (notYet === undefined) return created;
      if (Date.now() > deadline) {
        throw new TransientError(
          'TOPICS_NOT_READY',
          `topics not served by every broker within ${timeoutMs} ms: ${notYet}`,
        );
      }
      await sleep(100);
    }
  } finally {
    await Promise.allSettled(admins.map((a) => a.disconnect()));
  }
}

/** undefined when every broker lists every partition with a leader and the leaders answer; else why not. */
async function whyNotServed(admins: Admin[], topics: ITopicConfig[]): Promise<string | undefined> {
  const names = topics.map((t) => t.topic);
  try {
    for (const [i, admin] of admins.entries()) {
      const meta = await admin.fetchTopicMetadata({ topics: names });
      for (const want of topics) {
        const partitions = meta.topics.find((t) => t.name === want.topic)?.partitions ?? [];
        const wantCount = want.numPartitions ?? -1;
        if (
          partitions.length === 0 ||
          (wantCount > 0 && partitions.length < wantCount) ||
          partitions.some((p) => p.leader < 0)
        ) {
          return `broker #${i + 1} lists ${want.topic} with ${partitions.length} partition(s), leaders ${partitions.map((p) => p.leader).join(',')}`;
        }
      }
    }
    // ListOffsets goes to each partition's leader, so success means the leaders themselves are ready.
    for (const topic of names) await admins[0]!.fetchTopicOffsets(topic);
    return undefined;
  } catch (err) {
    // With retries: 0 kafkajs reports a retriable broker error as KafkaJSNumberOfRetriesExceeded.
    const e = err as Error & { retriable?: boolean };
    if (e.retriable === false && e.name !== 'KafkaJSNumberOfRetriesExceeded') throw err;
    return e.message;
  }
}
