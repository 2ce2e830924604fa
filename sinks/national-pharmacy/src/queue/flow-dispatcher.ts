import type { Logger, UnknownErrorBudget } from '@retail-stream/runtime';
import type { Flow } from '../mapping/national-documents.ts';
import type { DocumentQueue, LeasedDocument } from './document-queue.ts';

export interface FlowDispatcherOptions {
  flow: Flow;
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  queue: DocumentQueue;
  logger: Logger;
  /** The accounts we hold credentials for (only their documents are leased). */
  accounts: () => string[];
  /** Works one leased document to its settlement (sync-workers.ts). */
  work: (doc: LeasedDocument) => Promise<void>;
  /**
   * Lease and work failures nothing recognises (a bug, not the database or authority being away)
   * in a row; once spent the dispatcher stops and calls onFatal instead of cycling forever.
   */
  unknownErrors?: UnknownErrorBudget;
  onFatal?: (err: unknown) => void;
}

/**
 * One flow's queue: keeps up to `concurrency` documents in flight. It leases ahead (up to half
 * the concurrency more, in one statement) so a finished document's slot is refilled at once, not
 * after a Postgres round trip; it leases again when the lead runs low. Wakes when a slot frees,
 * when the sink recorded documents (`wake()`), or every pollMs (documents due later, or recorded
 * by another process). Leased but unstarted documents are handed back on stop.
 */
export class FlowDispatcher {
  private active = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly ahead: LeasedDocument[] = [];
  private readonly prefetch: number;

  constructor(private readonly o: FlowDispatcherOptions) {
    this.prefetch = Math.floor(o.concurrency / 2);
  }

  start(): void {
    if (this.o.concurrency === 0) return;
    this.running = true;
    this.loop = this.run();
  }

  wake(): void {
    this.wakeUp?.();
  }

  /** Stops leasing, hands back what was leased ahead, waits for the documents in flight to settle. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    const unstarted = this.ahead.splice(0);
    if (unstarted.length > 0) {
      await this.o.queue.release(unstarted).catch((err: unknown) => {
        // Their leases expire and the sweeper hands them out again (read back first).
        this.o.logger.warn({ err, flow: this.o.flow }, 'national sync: could not hand back leased documents');
      });
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private fill(): void {
    while (this.running && this.active < this.o.concurrency && this.ahead.length > 0) {
      this.launch(this.ahead.shift()!);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.fill();
      const want = this.o.concurrency + this.prefetch - this.active - this.ahead.length;
      // Lease when the lead is low (a third of the prefetch used up) or the queue ran dry.
      let leased = 0;
      if (want > 0 && (this.ahead.length === 0 || want >= Math.max(1, Math.ceil(this.prefetch / 3)))) {
        try {
          const docs = await this.o.queue.lease(this.o.flow, want, this.o.accounts(), this.o.leaseMs);
          this.ahead.push(...docs);
          leased = docs.length;
          this.o.unknownErrors?.reset();
        } catch (err) {
          if (this.giveUp(err)) return;
          this.o.logger.warn({ err, flow: this.o.flow }, 'national sync: lease failed, retrying');
        }
        this.fill();
        // A full lease means more may be due: look again once slots free up.
        if (leased > 0 && leased === want) {
          await this.nap(this.o.pollMs);
          continue;
        }
      }
      await this.nap(this.o.pollMs);
    }
  }

  /** True (and the dispatcher stopped, onFatal told) once the unknown-error budget is spent. */
  private giveUp(err: unknown): boolean {
    const exhausted = this.o.unknownErrors?.record(err);
    if (!exhausted) return false;
    if (this.running) {
      this.running = false;
      this.o.logger.fatal(
        { err: exhausted, code: exhausted.code, flow: this.o.flow },
        `national sync: unknown error ${this.o.unknownErrors!.attempts} times in a row: stopping`,
      );
      this.o.onFatal?.(exhausted);
    }
    return true;
  }

  /** Sleeps until woken (a slot freed, documents recorded, stop) or `ms` passed. */
  private nap(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
    });
  }

  private launch(doc: LeasedDocument): void {
    this.active++;
    const p = this.o
      .work(doc)
      .then(() => this.o.unknownErrors?.reset())
      .catch((err: unknown) => {
        if (this.giveUp(err)) return;
        // The lease expires and the sweeper hands the document out again, marked outcome unknown.
        this.o.logger.error(
          { err, document: doc.id, flow: this.o.flow },
          'national sync: document work failed',
        );
      })
      .finally(() => {
        this.active--;
        this.inFlight.delete(p);
        this.fill();
        this.wake();
      });
    this.inFlight.add(p);
  }
}
