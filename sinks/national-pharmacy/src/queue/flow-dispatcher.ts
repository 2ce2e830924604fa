import type { Logger } from '@retail-stream/runtime';
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
}

/**
 * One flow's queue: keeps up to `concurrency` documents in flight, leasing as many as there are
 * free slots in one statement. Wakes when a slot frees, when the sink recorded documents
 * (`wake()`), or every pollMs (documents due later, or recorded by another process).
 */
export class FlowDispatcher {
  private active = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly o: FlowDispatcherOptions) {}

  start(): void {
    if (this.o.concurrency === 0) return;
    this.running = true;
    this.loop = this.run();
  }

  wake(): void {
    this.wakeUp?.();
  }

  /** Stops leasing and waits for the documents in flight to settle. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const free = this.o.concurrency - this.active;
      let leased: LeasedDocument[] = [];
      if (free > 0) {
        try {
          leased = await this.o.queue.lease(this.o.flow, free, this.o.accounts(), this.o.leaseMs);
        } catch (err) {
          this.o.logger.warn({ err, flow: this.o.flow }, 'national sync: lease failed, retrying');
        }
        for (const doc of leased) this.launch(doc);
      }
      // A full lease means more may be due: go again at once (if a slot is free).
      if (leased.length > 0 && leased.length === free) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.o.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          this.wakeUp = null;
          resolve();
        };
      });
    }
  }

  private launch(doc: LeasedDocument): void {
    this.active++;
    const p = this.o
      .work(doc)
      .catch((err: unknown) => {
        // The lease expires and the sweeper hands the document out again, marked outcome unknown.
        this.o.logger.error(
          { err, document: doc.id, flow: this.o.flow },
          'national sync: document work failed',
        );
      })
      .finally(() => {
        this.active--;
        this.inFlight.delete(p);
        this.wake();
      });
    this.inFlight.add(p);
  }
}
