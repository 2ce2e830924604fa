import { TransientError } from '@retail-stream/runtime';
import type { Admin } from 'kafkajs';
import { groupLag, recordCount, type GroupLag, type PartitionBounds } from './consumer-lag.ts';

export interface PipelineStatus {
  as_of: string;
  consumer_groups: (GroupLag & { state: string })[];
  dlq: { topic: string; records: number | null };
  late_events: { topic: string; records: number | null };
}

export interface PipelineStatusOptions {
  /** Fixed list of groups, or every consumer group on the cluster. */
  groups: string[] | 'all';
  dlqTopic: string;
  lateTopic: string;
  cacheMs: number;
}

/**
 * Reads consumer lag, DLQ size and late-event count from the Kafka admin API. One admin round is
 * shared by every concurrent caller and cached for cacheMs, so ten open dashboards cost one.
 */
export class PipelineStatusSource {
  private cached: { at: number; value: PipelineStatus } | undefined;
  private inFlight: Promise<PipelineStatus> | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly opts: PipelineStatusOptions,
  ) {}

  async get(now = Date.now()): Promise<PipelineStatus> {
    if (this.cached && now - this.cached.at < this.opts.cacheMs) return this.cached.value;
    this.inFlight ??= this.read().finally(() => (this.inFlight = undefined));
    const value = await this.inFlight;
    this.cached = { at: Date.now(), value };
    return value;
  }

  private async read(): Promise<PipelineStatus> {
    try {
      const topics = new Set(await this.admin.listTopics());
      const bounds = new Map<string, PartitionBounds[]>();
      const boundsOf = async (topic: string): Promise<PartitionBounds[]> => {
        let b = bounds.get(topic);
        if (!b) {
          b = await this.admin.fetchTopicOffsets(topic);
          bounds.set(topic, b);
        }
        return b;
      };

      const groups = await this.groupsToWatch();
      const described = groups.length > 0 ? await this.admin.describeGroups(groups) : { groups: [] };
      const consumerGroups: PipelineStatus['consumer_groups'] = [];
      for (const groupId of groups) {
        const committed = await this.admin.fetchOffsets({ groupId });
        const groupBounds = new Map<string, PartitionBounds[]>();
        for (const t of committed) {
          if (topics.has(t.topic)) groupBounds.set(t.topic, await boundsOf(t.topic));
        }
        const offsets = committed.flatMap((t) =>
          t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset })),
        );
        const state = described.groups.find((g) => g.groupId === groupId)?.state ?? 'Unknown';
        consumerGroups.push({ ...groupLag(groupId, offsets, groupBounds), state });
      }

      const countOf = async (topic: string) =>
        topics.has(topic) ? recordCount(await boundsOf(topic)) : null;
      return {
        as_of: new Date().toISOString(),
        consumer_groups: consumerGroups,
        dlq: { topic: this.opts.dlqTopic, records: await countOf(this.opts.dlqTopic) },
        late_events: { topic: this.opts.lateTopic, records: await countOf(this.opts.lateTopic) },
      };
    } catch (err) {
      throw new TransientError('KAFKA_ADMIN_FAILED', `pipeline status: ${(err as Error).message}`, err);
    }
  }

  private async groupsToWatch(): Promise<string[]> {
    if (this.opts.groups !== 'all') return this.opts.groups;
    const { groups } = await this.admin.listGroups();
    return groups
      .filter((g) => g.protocolType === 'consumer')
      .map((g) => g.groupId)
      .sort()
      .slice(0, 100);
  }
}
