import {
  AssignedReader,
  parseStoreEpochDecision,
  type Logger,
  type WaitOptions,
} from '@retail-stream/runtime';
import type { Kafka } from 'kafkajs';

export interface StoreEpochsFeedOptions {
  kafka: Kafka;
  logger: Logger;
  /** Compacted, key store_id, JSON StoreEpochDecision (written by `retail store epoch --start`). */
  topic: string;
}

/**
 * The epoch an operator last started for each store, read whole by assignment in every instance
 * (like the reference topics) and kept followed. Unreadable records are logged and skipped: the
 * store then keeps its current epoch, and records of a new one stay held (never wrongly accepted).
 */
export class StoreEpochsFeed {
  private readonly approved = new Map<string, string>();
  private readonly reader: AssignedReader;

  constructor(private readonly opts: StoreEpochsFeedOptions) {
    this.reader = new AssignedReader({
      kafka: opts.kafka,
      logger: opts.logger,
      topics: [opts.topic],
      onBatch: (_topic, _partition, messages) => {
        for (const m of messages) {
          const store = m.key?.toString();
          if (!store) continue;
          if (m.value === null) {
            this.approved.delete(store);
            continue;
          }
          const d = parseStoreEpochDecision(m.value.toString());
          if (!d || d.store_id !== store) {
            opts.logger.warn({ offset: m.offset, store }, 'unreadable store epoch decision ignored');
            continue;
          }
          this.approved.set(store, d.epoch);
          opts.logger.info({ store_id: store, epoch: d.epoch, actor: d.actor }, 'store epoch started');
        }
      },
    });
  }

  /** The epoch an operator started for the store, undefined when none was ever started. */
  approvedEpoch(storeId: string): string | undefined {
    return this.approved.get(storeId);
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  /** Every decision written before now is applied. */
  waitCaughtUp(opts: WaitOptions): Promise<void> {
    return this.reader.waitForEnd(this.opts.topic, undefined, opts);
  }

  stop(): Promise<void> {
    return this.reader.stop();
  }
}
