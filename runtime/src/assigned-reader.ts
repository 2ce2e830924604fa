import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { AppError } from './errors.ts';
import type { Logger } from './logger.ts';

/** An explicit bounded range of one partition: offsets [from, to). */
export interface PartitionRange {
  topic: string;
  partition: number;
  from: bigint;
  to: bigint;
}

export interface AssignedReaderOptions {
  kafka: Kafka;
  topics: string[];
  /**
   * Read exactly these offset ranges (a bounded read; `partitions`, `fromTimestamp` and
   * `untilEnd` are then ignored). For replays whose ends were resolved before reading.
   */
  ranges?: readonly PartitionRange[];
  /**
   * Hand the partitions of one fetch to `onBatch` at once instead of one after another (still in
   * offset order per partition), for handlers that gain from writing partitions in parallel.
   */
  concurrentPartitions?: boolean;
  /** Partitions to read (the same for every topic); undefined: all partitions at start. */
  partitions?: number[];
  /** Start at the first offset whose timestamp is >= this (epoch ms); undefined: the beginning. */
  fromTimestamp?: number;
  /** Stop each partition at its end offset as of start (a bounded read); default: keep following. */
  untilEnd?: boolean;
  /** Long-poll time of one fetch; also how long stop() may wait for the fetch in flight. */
  maxWaitMs?: number;
  maxBytesPerPartition?: number;
  /** Committed records only (read_committed), in offset order per partition; awaited. A throw stops the reader. */
  onBatch(topic: string, partition: number, messages: KafkaMessage[]): Promise<void> | void;
  logger?: Logger;
}

export interface WaitOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Reads partitions by explicit assignment, with no consumer group: every instance sees every
 * partition, nothing is committed and nothing is left on the brokers when it stops or crashes.
 * For state every instance mirrors (reference data, dedup changelogs) and bounded reads (state
 * restore, recompute). kafkajs has no assign(); its consumer always joins a group, so this fetches
 * from partition leaders itself through kafkajs's cluster layer (kafkajs 2.x is frozen, so these
 * internals do not move) and filters aborted transactions and control records as its consumer does.
 * Positions advance over markers and aborted records too, so `waitForEnd` can reach the end offset.
 * The partition set is fixed at start.
 */
export class AssignedReader {
  /** topic:partition → next offset to hand out. */
  private readonly positions = new Map<string, bigint>();
  /** topic:partition → end offset of a bounded read; a partition leaves when it is reached. */
  private readonly ends = new Map<string, bigint>();
  private readonly active = new Map<string, number[]>();
  private readonly admin: Admin;
  private cluster: InternalCluster | undefined;
  private loop: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private failure: unknown;
  private finished!: () => void;
  /** Resolves when a bounded read reached every end (or the reader stopped or failed). */
  readonly done = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(private readonly opts: AssignedReaderOptions) {
    this.admin = opts.kafka.admin();
  }

  async start(): Promise<void> {
    await this.admin.connect();
    if (this.opts.ranges) this.assignRanges(this.opts.ranges);
    else await this.assignTopics();
    if (this.active.size === 0) {
      this.finished();
      return;
    }
    const cluster = createCluster(this.opts.kafka);
    await cluster.connect();
    await cluster.addMultipleTargetTopics([...this.active.keys()]);
    this.cluster = cluster;
    this.loop = this.run(cluster);
  }

  private assignRanges(ranges: readonly PartitionRange[]): void {
    for (const r of ranges) {
      if (r.from >= r.to) continue;
      const key = `${r.topic}:${r.partition}`;
      this.positions.set(key, r.from);
      this.ends.set(key, r.to);
      this.active.set(r.topic, [...(this.active.get(r.topic) ?? []), r.partition]);
    }
  }

  private async assignTopics(): Promise<void> {
    for (const topic of this.opts.topics) {
      const offsets = await this.admin.fetchTopicOffsets(topic);
      const starts = new Map<number, bigint>();
      if (this.opts.fromTimestamp !== undefined) {
        for (const o of await this.admin.fetchTopicOffsetsByTimestamp(topic, this.opts.fromTimestamp)) {
          starts.set(o.partition, BigInt(o.offset));
        }
      }
      const wanted = this.opts.partitions;
      const partitions: number[] = [];
      for (const o of offsets) {
        if (wanted && !wanted.includes(o.partition)) continue;
        const key = `${topic}:${o.partition}`;
        const start = starts.get(o.partition) ?? BigInt(o.low);
        this.positions.set(key, start);
        if (this.opts.untilEnd) {
          if (start >= BigInt(o.high)) continue;
          this.ends.set(key, BigInt(o.high));
        }
        partitions.push(o.partition);
      }
      if (partitions.length > 0) this.active.set(topic, partitions);
    }
  }

  /** Next offset to hand out of a partition (undefined if it is not read). */
  position(topic: string, partition: number): bigint | undefined {
    return this.positions.get(`${topic}:${partition}`);
  }

  /** Waits until every record written to `topic` (some partitions, or all) before now is handed out. */
  async waitForEnd(topic: string, partitions?: number[], opts: WaitOptions = {}): Promise<void> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    const targets = offsets.filter((o) => !partitions || partitions.includes(o.partition));
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    for (const t of targets) {
      const high = BigInt(t.high);
      while ((this.positions.get(`${topic}:${t.partition}`) ?? high) < high) {
        if (this.failure !== undefined) throw this.failure;
        if (opts.signal?.aborted) throw new Error('stopped while waiting');
        if (Date.now() > deadline)
          throw new Error(`${topic}[${t.partition}] not read to offset ${high} in time`);
        await sleep(20);
      }
    }
  }

  /** Lets the fetch in flight finish (at most maxWaitMs), then disconnects. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.cluster?.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    this.finished();
  }

  /** Throws the error that stopped the reader, if any (for bounded reads after `done`). */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private async run(cluster: InternalCluster): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted && this.active.size > 0) {
      try {
        await this.fetchOnce(cluster);
        failures = 0;
      } catch (err) {
        if (this.stopping.signal.aborted) break;
        if (err instanceof HandlerError) {
          this.failure = err.cause;
          break;
        }
        failures++;
        this.opts.logger?.warn({ err, topics: [...this.active.keys()], failures }, 'assigned read failed');
        await this.recover(cluster, err).catch(() => undefined);
        await sleep(Math.min(100 * 2 ** failures, 5_000), undefined, { signal: this.stopping.signal }).catch(
          () => undefined,
        );
      }
    }
    this.finished();
  }

  private async fetchOnce(cluster: InternalCluster): Promise<void> {
    const maxBytes = this.opts.maxBytesPerPartition ?? 1 << 20;
    const byLeader = new Map<string, FetchTopic[]>();
    for (const [topic, partitions] of this.active) {
      for (const [nodeId, ids] of Object.entries(cluster.findLeaderForPartitions(topic, partitions))) {
        const requests = byLeader.get(nodeId) ?? [];
        requests.push({
          topic,
          partitions: ids.map((partition) => ({
            partition,
            fetchOffset: this.positions.get(`${topic}:${partition}`)!.toString(),
            maxBytes,
          })),
        });
        byLeader.set(nodeId, requests);
      }
    }
    await Promise.all(
      [...byLeader].map(async ([nodeId, topics]) => {
        const broker = await cluster.findBroker({ nodeId });
        const { responses } = await broker.fetch({
          replicaId: -1,
          isolationLevel: READ_COMMITTED,
          maxWaitTime: this.opts.maxWaitMs ?? 500,
          minBytes: 1,
          maxBytes: Math.max(maxBytes, 10 << 20),
          topics,
        });
        for (const { topicName, partitions } of responses) {
          if (this.opts.concurrentPartitions) {
            // allSettled: every partition's handler ends before a failure leaves this fetch.
            const results = await Promise.allSettled(partitions.map((data) => this.deliver(topicName, data)));
            const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
            if (failed) throw failed.reason;
          } else {
            for (const data of partitions) await this.deliver(topicName, data);
          }
        }
      }),
    );
  }

  private async deliver(topic: string, data: FetchPartitionData): Promise<void> {
    const key = `${topic}:${data.partition}`;
    const fetched = this.positions.get(key);
    if (fetched === undefined) return;
    const batch = new Batch(topic, fetched.toString(), data);
    let next = fetched;
    const within = batch.messagesWithinOffset;
    if (within.length > 0) next = BigInt(within[within.length - 1]!.offset) + 1n;
    // Only records below the fetch offset: the rest of their record batch was compacted away.
    else if (batch.rawMessages.length > 0) next = fetched + 1n;
    const end = this.ends.get(key);
    let messages = batch.messages;
    if (end !== undefined && next > end) messages = messages.filter((m) => BigInt(m.offset) < end);
    if (messages.length > 0) {
      try {
        await this.opts.onBatch(topic, data.partition, messages);
      } catch (err) {
        throw new HandlerError(err);
      }
    }
    this.positions.set(key, next);
    if (end !== undefined && next >= end) {
      const left = this.active.get(topic)!.filter((p) => p !== data.partition);
      if (left.length > 0) this.active.set(topic, left);
      else this.active.delete(topic);
    }
  }

  /** Stale leaders: new metadata. Offsets outside the log (retention, compaction): its start. */
  private async recover(cluster: InternalCluster, err: unknown): Promise<void> {
    await cluster.refreshMetadata();
    if ((err as { type?: string }).type !== 'OFFSET_OUT_OF_RANGE') return;
    for (const topic of this.active.keys()) {
      for (const o of await this.admin.fetchTopicOffsets(topic)) {
        const key = `${topic}:${o.partition}`;
        const at = this.positions.get(key);
        if (at !== undefined && (at < BigInt(o.low) || at > BigInt(o.high)))
          this.positions.set(key, BigInt(o.low));
      }
    }
  }
}

/** An error of the caller's handler, told apart from broker errors (those are retried). */
class HandlerError extends Error {
  constructor(override readonly cause: unknown) {
    super('batch handler failed');
  }
}

// ── kafkajs internals (2.2.x), typed as far as used ──────────────────────────

const READ_COMMITTED = 1;

interface FetchTopic {
  topic: string;
  partitions: { partition: number; fetchOffset: string; maxBytes: number }[];
}

interface FetchPartitionData {
  partition: number;
  highWatermark: string;
}

interface InternalBroker {
  fetch(request: {
    replicaId: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: FetchTopic[];
  }): Promise<{ responses: { topicName: string; partitions: FetchPartitionData[] }[] }>;
}

interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  refreshMetadata(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(query: { nodeId: string }): Promise<InternalBroker>;
}

/** kafkajs's own fetch-response view: drops records of aborted transactions and control records. */
const Batch = createRequire(import.meta.url)('kafkajs/src/consumer/batch.js') as new (
  topic: string,
  fetchedOffset: string,
  data: FetchPartitionData,
) => { messages: KafkaMessage[]; messagesWithinOffset: KafkaMessage[]; rawMessages: unknown[] };

/** A cluster connection with the Kafka instance's own settings (brokers, TLS, SASL, retry, logger). */
function createCluster(kafka: Kafka): InternalCluster {
  const key = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === 'private:Kafka:createCluster',
  );
  const create = key && (kafka as unknown as Record<symbol, unknown>)[key];
  if (typeof create !== 'function') {
    throw new AppError(
      'KAFKA_CLIENT_UNSUPPORTED',
      'this kafkajs version has no cluster factory to read by assignment',
    );
  }
  return (create as (o: object) => InternalCluster)({
    allowAutoTopicCreation: false,
    isolationLevel: READ_COMMITTED,
    metadataMaxAge: 300_000,
  });
}
