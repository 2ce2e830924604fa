import { isRetryablePgError } from '@retail-stream/runtime';
import type { DocumentQueue, SettleItem } from './document-queue.ts';

interface Waiting extends SettleItem {
  resolve: (applied: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * Groups the settlements of workers that finish within `delayMs` of each other (up to `max`) into
 * one statement: at 50 ms per call and dozens of workers, one Postgres round trip per document
 * was the sync's bottleneck. Each worker still learns whether its own write applied.
 */
export class SettleBatcher {
  private pending: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly flushing = new Set<Promise<void>>();

  constructor(
    private readonly queue: DocumentQueue,
    private readonly delayMs = 2,
    private readonly max = 64,
  ) {}

  settle(item: SettleItem): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ...item, resolve, reject });
      if (this.pending.length >= this.max) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
    });
  }

  /** Writes what is pending and waits for every write in progress. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.flushing]);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const p = this.write(batch).finally(() => this.flushing.delete(p));
    this.flushing.add(p);
  }

  private async write(batch: Waiting[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await this.queue.settleMany(batch);
        for (const w of batch) w.resolve(applied.has(w.doc.id));
        return;
      } catch (err) {
        // A deadlock with the sweeper's re-queue: the statement did nothing, run it again.
        if (attempt < 3 && isRetryablePgError(err)) continue;
        for (const w of batch) w.reject(err);
        return;
      }
    }
  }
}
