import crypto from 'node:crypto';
import type { Logger } from '@retail-stream/runtime';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TopicFollowerOptions {
  kafka: Kafka;
  topics: string[];
  /** Prefix of the per-instance consumer group (nothing is ever committed under it). */
  groupPrefix: string;
  logger: Logger;
  /** Applied synchronously, in partition order, for committed records only. */
  onMessage(topic: string, partition: number, message: KafkaMessage): void;
}

/**
 * Reads whole topics from the beginning and keeps following them, in every instance (its own
 * consumer group, so each instance sees every partition): reference data and the dedup changelog.
 * `waitForEnd` answers "has everything written so far been applied?", which is what readiness and
 * state restore need. Positions also advance over transaction markers and aborted records, which
 * the consumer filters out and never hands to a handler.
 */
export class TopicFollower {
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  /** topic:partition → next offset to apply. */
  private readonly positions = new Map<string, bigint>();

  constructor(private readonly opts: TopicFollowerOptions) {
    this.consumer = opts.kafka.consumer({
      groupId: `${opts.groupPrefix}-${crypto.randomUUID()}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      // Short polls: live reference updates apply quickly and stop() does not wait out a long poll.
      maxWaitTimeInMs: 500,
    });
    this.admin = opts.kafka.admin();
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, (e) => {
      this.advance(e.payload.topic, e.payload.partition, BigInt(e.payload.lastOffset) + 1n);
    });
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.opts.topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) this.opts.onMessage(batch.topic, batch.partition, m);
        if (batch.messages.length > 0) {
          this.advance(batch.topic, batch.partition, BigInt(batch.messages.at(-1)!.offset) + 1n);
        }
      },
    });
  }

  /** Waits until every record written to `topic` (some partitions, or all) before now is applied. */
  async waitForEnd(
    topic: string,
    partitions?: number[],
    opts: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<void> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    const targets = offsets.filter((o) => !partitions || partitions.includes(o.partition));
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    for (const t of targets) {
      const high = BigInt(t.high);
      const low = BigInt(t.low);
      while (high > low && (this.positions.get(`${topic}:${t.partition}`) ?? low) < high) {
        if (opts.signal?.aborted) throw new Error('stopped while waiting');
        if (Date.now() > deadline) {
          throw new Error(`${topic}[${t.partition}] not read to offset ${high} in time`);
        }
        await sleep(20);
      }
    }
  }

  async stop(): Promise<void> {
    await this.consumer
      .disconnect()
      .catch((err: unknown) => this.opts.logger.warn({ err }, 'follower disconnect'));
    await this.admin.disconnect().catch(() => undefined);
  }

  private advance(topic: string, partition: number, next: bigint): void {
    const key = `${topic}:${partition}`;
    if ((this.positions.get(key) ?? -1n) < next) this.positions.set(key, next);
  }
}
