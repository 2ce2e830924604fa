import { appendEncoded, countEncoded, type EncodedRows } from './encoded-rows.ts';
import { flushDelayMs, type FlushPolicy } from './flush-policy.ts';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Flush {
  rows: EncodedRows;
  waiters: Waiter[];
}

export interface BatchWriterOptions extends FlushPolicy {
  /** Inserts running at once; more lets decoding of the next batches overlap an insert. */
  maxInFlight?: number;
}

/**
 * Group commit for the sink: Kafka batches of the partitions handled at once hand their rows in with
 * `submit`, which resolves only once ClickHouse acknowledged the insert holding them (or rejects
 * with the insert's error). Rows are flushed when `maxRows` are pending or `intervalMs` after the
 * previous flush, so inserts stay large and few whatever the traffic.
 *
 * This keeps the consumer runner's plain after-batch commit: a handler returns (and its offsets are
 * committed) only after its own rows are durable, and a failed insert fails every batch in it, so
 * each is retried by the runner; rows written twice collapse in ClickHouse. Batches of one
 * partition are handled one after another, so flushes may complete in any order without an offset
 * ever passing unwritten rows of its partition.
 */
export class BatchWriter {
  private pending: Flush = { rows: new Map(), waiters: [] };
  private readonly ready: Flush[] = [];
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private readonly maxInFlight: number;

  constructor(
    private readonly policy: BatchWriterOptions,
    private readonly write: (rows: EncodedRows) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {
    this.maxInFlight = Math.max(1, policy.maxInFlight ?? 1);
  }

  get pendingRows(): number {
    return countEncoded(this.pending.rows);
  }

  submit(rows: EncodedRows): Promise<void> {
    // Nothing to write (every record dead-lettered): nothing of this partition is unwritten.
    if (countEncoded(rows) === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      appendEncoded(this.pending.rows, rows);
      this.pending.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /** Flushes what is pending now and waits for every write in flight. */
  async close(): Promise<void> {
    if (this.pending.waiters.length > 0) this.flushNow();
    while (this.running.size > 0 || this.ready.length > 0) await Promise.allSettled([...this.running]);
  }

  private schedule(): void {
    const delay = flushDelayMs(this.pendingRows, this.now() - this.lastFlushAt, this.policy);
    if (delay === 0) {
      this.flushNow();
    } else if (!this.timer && Number.isFinite(delay)) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.pending.waiters.length > 0) this.flushNow();
      }, delay);
    }
  }

  private flushNow(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.ready.push(this.pending);
    this.pending = { rows: new Map(), waiters: [] };
    this.lastFlushAt = this.now();
    this.pump();
  }

  /** Starts queued flushes up to maxInFlight; a slow ClickHouse then backs up into the handlers. */
  private pump(): void {
    while (this.running.size < this.maxInFlight && this.ready.length > 0) {
      const flush = this.ready.shift()!;
      const run: Promise<void> = this.write(flush.rows).then(
        () => flush.waiters.forEach((w) => w.resolve()),
        (err: unknown) => flush.waiters.forEach((w) => w.reject(err)),
      );
      this.running.add(run);
      void run.finally(() => {
        this.running.delete(run);
        this.pump();
      });
    }
  }
}
