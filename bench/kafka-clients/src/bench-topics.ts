import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';

/**
 * Fresh topics and groups for every run (nothing a previous run wrote or committed can be read),
 * and the checks that each run really moved the N records it reports.
 */
export class BenchTopics {
  private readonly created: string[] = [];
  private readonly runId = randomBytes(3).toString('hex');

  constructor(
    private readonly admin: Admin,
    private readonly partitions: number,
  ) {}

  name(...parts: (string | number)[]): string {
    return ['bench-kc', this.runId, ...parts].join('-');
  }

  async create(...parts: (string | number)[]): Promise<string> {
    const topic = this.name(...parts);
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: this.partitions, replicationFactor: 1 }],
    });
    this.created.push(topic);
    return topic;
  }

  /** Sum over partitions of the high watermark (records + transaction markers). */
  async endOffsetSum(topic: string): Promise<number> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  }

  /** True when the group's committed offsets equal the topic's end on every partition. */
  async groupCaughtUp(groupId: string, topic: string): Promise<boolean> {
    const [ends, [committed]] = await Promise.all([
      this.admin.fetchTopicOffsets(topic),
      this.admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    return ends.every(
      (e) => committed?.partitions.find((p) => p.partition === e.partition)?.offset === e.high,
    );
  }

  async dropAll(): Promise<void> {
    if (this.created.length > 0) await this.admin.deleteTopics({ topics: this.created });
  }
}
