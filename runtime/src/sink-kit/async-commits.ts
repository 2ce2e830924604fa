import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs, type BackoffOptions } from '../backoff.ts';
import type { ConsumedBatch } from '../consumer-runner.ts';
import { errorCode, isRetriable } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { DEFAULT_MAX_UNKNOWN_ERROR_RETRIES, UnknownErrorBudget } from '../unknown-error-budget.ts';

export interface AsyncCommitsOptions {
  /** Commits one partition's next offset (the consumer runner's commitOffsets). */
  commit(topic: string, partition: number, offset: string): Promise<void>;
  /** Batches handed over but not yet durable; a handler arriving beyond it waits (backpressure). */
  maxPendingBatches: number;
  /**
   * Record bytes (key + value, batchBytes) of the batches handed over and not yet durable; a
   * handler arriving while this many are pending waits. What a pending batch costs in memory (its
   * decoded items, the fetched records it keeps for dead letters and commits) grows with its bytes,
   * not its count, so this is the bound that holds when batches are large. A batch is admitted
   * while fewer bytes are pending, so at most maxPendingBytes plus one batch is pending, and a
   * batch larger than the budget still goes through (alone, at worst), never waits forever.
   */
  maxPendingBytes: number;
  retry: BackoffOptions;
  maxUnknownErrorRetries?: number;
  logger: Logger;
  /** A retried write (the runner's retail_consumer_retries_total, same labels). */
  onRetry(topic: string, code: string): void;
  /** A write failed for good (a bug): the service stops; nothing of that partition is committed after. */
  onFatal(err: unknown): void;
}

type State = 'writing' | 'durable' | 'stuck';

interface Entry {
  batch: ConsumedBatch;
  next: string;
  state: State;
}

/** What a batch counts against maxPendingBytes: its records' keys and values as fetched. */
export function batchBytes(batch: ConsumedBatch): number {
  let bytes = 0;
  for (const m of batch.messages) bytes += (m.value?.length ?? 0) + (m.key?.length ?? 0);
  return bytes;
}

/**
 * Commits of a sink whose store groups many Kafka batches into one database write (ClickHouse):
 * the handler hands a batch's write to `track` and returns at once, so the consumer fetches and
 * decodes the next batches while the insert runs; the batch's offsets are committed once its
 * write resolved. Guarantees, the same as after-batch commits:
 *  - an offset is committed only when every batch before it in its partition is durable (writes
 *    may land out of order, commits never pass an unwritten batch);
 *  - a retriable failure retries the same write (the items are still held) with backoff while
 *    handlers wait for room, so a slow store backs up into the consumer, not into memory;
 *  - a bug stops the service and nothing of its partition is committed after it;
 *  - a batch whose partition was revoked meanwhile is not committed (the new owner re-reads it).
 */
export class AsyncCommits {
  private readonly queues = new Map<string, Entry[]>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  /** Batches (and their bytes) admitted by room() or tracked, and not yet settled. */
  private pending = 0;
  private pendingBytes = 0;
  /** Batches room() admitted that track() has not taken over yet: their place is reserved. */
  private readonly admitted = new Map<ConsumedBatch, number>();
  private stopping = false;
  /** Handlers waiting for room (one per partition handled at once, at most). */
  private readonly waiting = new Set<() => void>();

  constructor(private readonly opts: AsyncCommitsOptions) {}

  /**
   * Waits (heart-beating) until fewer than maxPendingBatches batches and fewer than maxPendingBytes
   * bytes are pending, then reserves the batch's place (its count and bytes) for `track`. The
   * reservation is taken in the same tick as the last check, so handlers woken together by one
   * commit cannot all pass on the room it freed.
   */
  async room(batch: ConsumedBatch): Promise<void> {
    while (!this.fits() && !this.stopping) {
      let wake!: () => void;
      const woke = new Promise<void>((resolve) => (wake = resolve));
      this.waiting.add(wake);
      await Promise.race([woke, sleep(1_000)]);
      this.waiting.delete(wake);
      await batch.heartbeat().catch(() => undefined);
    }
    if (this.admitted.has(batch)) return;
    const bytes = batchBytes(batch);
    this.admitted.set(batch, bytes);
    this.pending++;
    this.pendingBytes += bytes;
  }

  /** Bytes of the batches handed over (or admitted) and not yet settled. */
  get bytesPending(): number {
    return this.pendingBytes;
  }

  private fits(): boolean {
    return this.pending < this.opts.maxPendingBatches && this.pendingBytes < this.opts.maxPendingBytes;
  }

  /** Runs `write` for the batch (retrying while retriable) and commits the batch once it resolved. */
  track(batch: ConsumedBatch, write: () => Promise<void>): void {
    const key = `${batch.topic}\u0000${batch.partition}`;
    const last = batch.messages[batch.messages.length - 1]!;
    const entry: Entry = { batch, next: (BigInt(last.offset) + 1n).toString(), state: 'writing' };
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = []));
    queue.push(entry);
    // Take over room()'s reservation; a batch tracked without room() counts from now on.
    let bytes = this.admitted.get(batch);
    if (bytes === undefined) {
      bytes = batchBytes(batch);
      this.pending++;
      this.pendingBytes += bytes;
    }
    this.admitted.delete(batch);
    const run = this.settle(entry, write).finally(() => {
      this.pending--;
      this.pendingBytes -= bytes;
      this.running.delete(run);
      this.advance(key);
      this.wakeAll();
    });
    this.running.add(run);
  }

  /** Stop retrying failed writes (shutdown); writes in flight may still land and commit. */
  stopRetrying(): void {
    this.stopping = true;
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const wake of this.waiting) wake();
    this.waiting.clear();
  }

  /** Resolves once every tracked write settled and every commit it allowed was sent. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    await Promise.allSettled([...this.chains.values()]);
  }

  private async settle(entry: Entry, write: () => Promise<void>): Promise<void> {
    const { batch } = entry;
    const budget = new UnknownErrorBudget(
      this.opts.maxUnknownErrorRetries ?? DEFAULT_MAX_UNKNOWN_ERROR_RETRIES,
      `sink write of ${batch.topic}[${batch.partition}]`,
    );
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        entry.state = 'durable';
        return;
      } catch (caught) {
        const exhausted = isRetriable(caught) ? budget.record(caught) : undefined;
        const err = exhausted ?? caught;
        if (exhausted || !isRetriable(err)) {
          entry.state = 'stuck';
          this.stopping = true;
          this.opts.logger.fatal(
            { err, code: errorCode(err), topic: batch.topic, partition: batch.partition, attempt },
            'sink write failed for good: stopping without commit',
          );
          this.opts.onFatal(err);
          return;
        }
        if (this.stopping || batch.isStale()) {
          // Not committed; whoever reads the partition next writes it again (writes are idempotent).
          entry.state = 'stuck';
          return;
        }
        this.opts.onRetry(batch.topic, errorCode(err));
        const delayMs = backoffDelayMs(attempt, this.opts.retry);
        this.opts.logger.warn(
          { err, topic: batch.topic, partition: batch.partition, attempt, delayMs },
          'retriable sink write error: backing off',
        );
        await sleep(delayMs);
      }
    }
  }

  /** Commits the partition up to the end of its durable prefix; a stuck write blocks it for good. */
  private advance(key: string): void {
    // Undefined when a revoked partition's batches were dropped while this one was still writing.
    const queue = this.queues.get(key);
    if (!queue) return;
    let done: Entry | undefined;
    // Batches of a revoked partition are never committed and never block the batches read after
    // it was assigned again (those start from the committed offset).
    for (let head = queue[0]; head && (head.state === 'durable' || head.batch.isStale()); head = queue[0]) {
      queue.shift();
      if (!head.batch.isStale()) done = head;
    }
    if (queue.length === 0) this.queues.delete(key);
    if (!done) return;
    const { topic, partition } = done.batch;
    const next = done.next;
    // One commit at a time per partition, in order, so a later offset is never overwritten by an earlier one.
    const chain = (this.chains.get(key) ?? Promise.resolve()).then(() =>
      this.opts.commit(topic, partition, next).catch((err: unknown) => {
        // A rebalance in progress or a broker hiccup: the next commit covers this one; at worst
        // the new owner re-reads batches that are already written.
        this.opts.logger.warn({ err, topic, partition, offset: next }, 'offset commit failed');
      }),
    );
    this.chains.set(key, chain);
  }
}
