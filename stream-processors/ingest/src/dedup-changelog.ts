import { AssignedReader, type Logger, type WaitOptions } from '@retail-stream/runtime';
import type { Kafka } from 'kafkajs';

export interface DedupChangelogOptions {
  kafka: Kafka;
  logger: Logger;
  /** Compacted, key store_id, value the serialised StoreSeqState, partition = input partition. */
  topic: string;
  /** How long a partition restore waits for the mirror to reach the changelog's end. */
  catchUpTimeoutMs: number;
}

/**
 * The last committed dedup state of every store, mirrored from the changelog by assignment in
 * every instance (no consumer group), so a partition taken over from another instance restores
 * from memory once the mirror has read that partition to its end (PartitionWorker.begin waits).
 */
export class DedupChangelog {
  private readonly latest = new Map<string, string>();
  private readonly reader: AssignedReader;

  constructor(private readonly opts: DedupChangelogOptions) {
    this.reader = new AssignedReader({
      kafka: opts.kafka,
      logger: opts.logger,
      topics: [opts.topic],
      onBatch: (_topic, _partition, messages) => {
        for (const m of messages) {
          const store = m.key?.toString();
          if (!store) continue;
          if (m.value === null) this.latest.delete(store);
          else this.latest.set(store, m.value.toString());
        }
      },
    });
  }

  get size(): number {
    return this.latest.size;
  }

  /** The store's last committed state as text (StoreSeqState serialised), undefined if none. */
  stateOf(storeId: string): string | undefined {
    return this.latest.get(storeId);
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  waitCaughtUp(opts: WaitOptions): Promise<void> {
    return this.reader.waitForEnd(this.opts.topic, undefined, opts);
  }

  /** Everything committed to this partition so far is applied. */
  waitForPartition(partition: number): Promise<void> {
    return this.reader.waitForEnd(this.opts.topic, [partition], { timeoutMs: this.opts.catchUpTimeoutMs });
  }

  stop(): Promise<void> {
    return this.reader.stop();
  }
}
