import { TRANSACTIONAL_PRODUCER_RETRY, TransientError } from '@retail-stream/runtime';
import type { Admin, Kafka, Producer, Transaction } from 'kafkajs';
import { parseState, type StoreState } from './store-epoch-state.ts';

export interface PartitionWorkerOptions {
  kafka: Kafka;
  admin: Admin;
  groupId: string;
  inputTopic: string;
  partition: number;
  transactionTimeoutMs: number;
  /** Waits until the changelog mirror has applied everything written to this partition so far. */
  waitForChangelog(partition: number): Promise<void>;
  /** The last committed changelog state of a store, as the mirror holds it. */
  changelogState(storeId: string): string | undefined;
}

/**
 * The transactional side of one input partition. Its producer's transactional id is derived from
 * group + topic + partition, so whichever instance owns the partition next fences this one (kafkajs
 * cannot fence through the consumer group generation, KIP-447). After fencing, it restores the dedup
 * state of the partition's stores from the changelog and learns the committed input offset, so
 * records a fenced predecessor already committed are skipped, not processed twice.
 */
export class PartitionWorker {
  private producer: Producer | undefined;
  private generation = -1;
  /** Input records below this offset were committed by an earlier owner; known after restore. */
  private committedOffset = -1n;
  readonly states = new Map<string, StoreState>();

  constructor(private readonly opts: PartitionWorkerOptions) {}

  get transactionalId(): string {
    return `${this.opts.groupId}-${this.opts.inputTopic}-${this.opts.partition}`;
  }

  /**
   * A transaction for a batch of `generation`. The first one of a generation (or after a failure)
   * fences any other owner, restores state and tells the caller which offsets to skip.
   */
  async begin(generation: number): Promise<{ txn: Transaction; skipBelow: bigint }> {
    if (this.producer && this.generation === generation) {
      return { txn: await this.producer.transaction(), skipBelow: -1n };
    }
    await this.reset();
    const producer = this.opts.kafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.opts.transactionTimeoutMs,
      retry: { ...TRANSACTIONAL_PRODUCER_RETRY },
    });
    await producer.connect();
    this.producer = producer;
    // The first transaction() call runs InitProducerId: it bumps the epoch (fencing any zombie with
    // the same id) and aborts its open transaction, so the changelog and offsets are final below.
    const txn = await producer.transaction();
    try {
      await this.opts.waitForChangelog(this.opts.partition);
      this.states.clear();
      const [committed] = await this.opts.admin.fetchOffsets({
        groupId: this.opts.groupId,
        topics: [this.opts.inputTopic],
      });
      const p = committed?.partitions.find((x) => x.partition === this.opts.partition);
      this.committedOffset = p && Number(p.offset) >= 0 ? BigInt(p.offset) : -1n;
      this.generation = generation;
      return { txn, skipBelow: this.committedOffset };
    } catch (err) {
      await txn.abort().catch(() => undefined);
      await this.reset();
      throw new TransientError(
        'STATE_RESTORE_FAILED',
        `partition ${this.opts.partition}: ${(err as Error).message}`,
        err,
      );
    }
  }

  /** The store's state (restored from the changelog on first use), undefined for a store never seen. */
  stateOf(storeId: string): StoreState | undefined {
    let s = this.states.get(storeId);
    if (!s) {
      const text = this.opts.changelogState(storeId);
      if (text === undefined) return undefined;
      s = parseState(text);
      this.states.set(storeId, s);
    }
    return s;
  }

  setState(storeId: string, state: StoreState): void {
    this.states.set(storeId, state);
  }

  /** Forgets the producer and the state (after a failed transaction or on losing the partition). */
  async reset(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    this.generation = -1;
    this.states.clear();
    if (p) await p.disconnect().catch(() => undefined);
  }
}
