import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/**
 * Creates topics and returns once every broker can serve them. kafkajs's `waitForLeaders` is not
 * enough on a KRaft cluster: brokers apply a new topic from the metadata log a few hundred ms apart,
 * so the broker kafkajs asks may answer UNKNOWN_TOPIC_OR_PARTITION (which kafkajs does not retry;
 * 19 of 30 creates failed that way on the local 3-node cluster). And a first produce that meets a
 * not-yet-ready leader can write a batch twice: kafkajs's Promise.all fails fast while the request
 * to another leader is still in flight, and its retry sends that one again (seen: 30 of 20 messages).
 */
export async function createTopicsReady(
  brokers: string[],
  topics: TopicSpec[],
  timeoutMs = 15_000,
): Promise<boolean> {
  // One client per broker so each metadata answer comes from that broker, and no retries of its own:
  // the loop below is the retry.
  const admins: Admin[] = brokers.map((b) =>
    new Kafka({
      clientId: 'smoke-topics',
      brokers: [b],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin(),
  );
  try {
    await Promise.all(admins.map((a) => a.connect()));
    const created = await admins[0]!.createTopics({ topics, waitForLeaders: false });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const notYet = await whyNotServed(admins, topics);
      if (notYet === undefined) return created;
      if (Date.now() > deadline) {
        throw new Error(
          `topics ${topics.map((t) => t.topic).join(', ')} not served by every broker within ${timeoutMs} ms: ${notYet}`,
        );
      }
      await sleep(100);
    }
  } finally {
    await Promise.allSettled(admins.map((a) => a.disconnect()));
  }
}

/** undefined when every broker lists every partition with a leader and the leaders answer; else why not. */
async function whyNotServed(admins: Admin[], topics: TopicSpec[]): Promise<string | undefined> {
  const names = topics.map((t) => t.topic);
  try {
    for (const [i, admin] of admins.entries()) {
      const meta = await admin.fetchTopicMetadata({ topics: names });
      for (const want of topics) {
        const partitions = meta.topics.find((t) => t.name === want.topic)?.partitions ?? [];
        if (partitions.length !== want.numPartitions || partitions.some((p) => p.leader < 0)) {
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
