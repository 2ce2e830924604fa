import { AppError } from '@retail-stream/runtime';
import type { Admin } from 'kafkajs';

/**
 * Partition counts of the topics a redrive writes to, looked up once each. A topic that does not
 * exist is DLQ_UNKNOWN_TOPIC, unless `create` is given for it (the parking topic).
 */
export class TopicPartitions {
  private readonly counts = new Map<string, number>();

  constructor(private readonly admin: Admin) {}

  async of(topic: string, create?: { numPartitions: number }): Promise<number> {
    const known = this.counts.get(topic);
    if (known !== undefined) return known;
    const exists = (await this.admin.listTopics()).includes(topic);
    if (!exists) {
      if (!create) throw new AppError('DLQ_UNKNOWN_TOPIC', `topic ${topic} does not exist`);
      await this.admin.createTopics({
        topics: [{ topic, numPartitions: create.numPartitions }],
        waitForLeaders: true,
      });
    }
    const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const count = meta.topics[0]?.partitions.length ?? 0;
    this.counts.set(topic, count);
    return count;
  }
}
