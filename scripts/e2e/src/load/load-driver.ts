import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { SeedProduct } from '@retail-stream/fixtures';
import { appendOutboxEvents, storeDatabaseUrl, type EventDraft } from '@retail-stream/store-edge';
import { SaleMix } from './sale-mix.ts';

/**
 * The end-to-end load driver: realistic events written straight into N store outboxes at a set
 * aggregate rate of sales, through the store edge's own outbox writer (appendOutboxEvents: same
 * tables, store_seq counter and NOTIFY), so HQ can be driven far beyond what store tills on one
 * machine can sell.
 *
 * Open loop: sale k of a store is scheduled at t0 + (k + phase) / rate-per-store, whatever happened
 * before; a store that falls behind writes everything due in its next append. Each sale keeps its
 * scheduled time and gets its commit time, so latency can be measured from either and a slow
 * driver shows up as lag instead of silently lowering the load (no coordinated omission).
 *
 * A store appends at most every `tickMs`, everything due in one statement: one store's appends
 * are serial anyway (the counter row lock), and one commit per business action (~7 per sale)
 * would cost this 2-core machine more than the HQ pipeline it is meant to load.
 */

export interface LoadStore {
  storeId: string;
  currency: string;
  products: SeedProduct[];
}

export interface SaleCommit {
  transactionId: string;
  /** store_seq of the SaleRecorded (how HQ's inbox and trace find it). */
  storeSeq: number;
  /** The store's n-th sale since this driver started (its KPI `orders` must reach n + before). */
  ordinal: number;
  scheduledAt: number;
  committedAt: number;
}

/** One append: a contiguous store_seq range, committed at `committedAt` (ms). */
export interface AppendRecord {
  storeId: string;
  fromSeq: number;
  toSeq: number;
  committedAt: number;
  sales: SaleCommit[];
}

export interface RunOptions {
  /** Sales per second over all stores. */
  salesPerSecond: number;
  /** Sales to write over all stores; the run lasts about sales ÷ salesPerSecond. */
  sales: number;
  signal?: AbortSignal;
  onAppend?: (rec: AppendRecord) => void;
}

export interface RunResult {
  sales: number;
  events: number;
  appends: number;
  /** First scheduled sale to last commit, ms. */
  elapsedMs: number;
  /** Commit time − scheduled time of every sale, ms (the driver's own lag). */
  lagMs: number[];
  /** Sales ÷ the span between the first and the last commit. */
  achievedSalesPerSecond: number;
}

export interface DriverOptions {
  adminUrl: string;
  eventsPerSale: number;
  seed: number;
  /** Shortest interval between two appends of one store, ms. */
  tickMs?: number;
  /** Sales per append at most (a store far behind catches up in several statements). */
  maxSalesPerAppend?: number;
}

interface StoreState {
  store: LoadStore;
  mix: SaleMix;
  client: pg.Client;
  sold: number;
}

/** Reads what a store sells and in which currency from its own database (drugs excluded: lots). */
export async function loadStoreOf(client: pg.ClientBase, storeId: string): Promise<LoadStore> {
  const store = await client.query<{ currency: string }>('SELECT currency FROM store WHERE store_id = $1', [
    storeId,
  ]);
  if (store.rowCount !== 1) throw new Error(`store ${storeId} is not seeded in its database`);
  const { rows } = await client.query<{
    sku: string;
    barcode: string;
    name: string;
    category: string;
    brand: string;
    price_minor: string;
    tax_rate_bp: number;
  }>(
    `SELECT sku, barcode, name, category, brand, price_minor::text, tax_rate_bp
       FROM local_catalog WHERE active AND drug IS NULL ORDER BY sku`,
  );
  return {
    storeId,
    currency: store.rows[0]!.currency,
    products: rows.map((r) => ({ ...r, price_minor: Number(r.price_minor), drug: null })),
  };
}

export class LoadDriver {
  private constructor(
    private readonly stores: StoreState[],
    private readonly opts: Required<DriverOptions>,
  ) {}

  /** Connects to each (seeded) store database; one connection per store. */
  static async connect(storeIds: readonly string[], opts: DriverOptions): Promise<LoadDriver> {
    const full = { tickMs: 10, maxSalesPerAppend: 200, ...opts };
    const states: StoreState[] = [];
    try {
      for (const [i, storeId] of storeIds.entries()) {
        const client = new pg.Client({
          connectionString: storeDatabaseUrl(opts.adminUrl, storeId),
          application_name: 'e2e-load-driver',
        });
        await client.connect();
        states.push({ client } as StoreState);
        const store = await loadStoreOf(client, storeId);
        Object.assign(states.at(-1)!, {
          store,
          mix: new SaleMix(storeId, store.currency, store.products, opts.eventsPerSale, opts.seed + i),
          sold: 0,
        });
      }
    } catch (err) {
      await Promise.allSettled(states.map((s) => s.client.end()));
      throw err;
    }
    return new LoadDriver(states, full);
  }

  get storeIds(): string[] {
    return this.stores.map((s) => s.store.storeId);
  }

  /** Sales each store has committed since connect (KPI ordinals). */
  soldBy(storeId: string): number {
    return this.stores.find((s) => s.store.storeId === storeId)?.sold ?? 0;
  }

  async run(opts: RunOptions): Promise<RunResult> {
    const n = this.stores.length;
    const perStore = opts.salesPerSecond / n;
    const intervalMs = 1000 / perStore;
    const t0 = Date.now() + 50;
    const result = { sales: 0, events: 0, appends: 0, lagMs: [] as number[], firstCommit: 0, lastCommit: 0 };
    await Promise.all(
      this.stores.map((s, i) => {
        const count = Math.floor(opts.sales / n) + (i < opts.sales % n ? 1 : 0);
        // Stores are spread over one interval so the aggregate arrives evenly, not in bursts of n.
        const at = (k: number) => t0 + (k + i / n) * intervalMs;
        return this.runStore(s, count, at, opts, result);
      }),
    );
    const span = (result.lastCommit - result.firstCommit) / 1000;
    return {
      sales: result.sales,
      events: result.events,
      appends: result.appends,
      elapsedMs: result.lastCommit - t0,
      lagMs: result.lagMs,
      achievedSalesPerSecond: span > 0 ? (result.sales - 1) / span : result.sales,
    };
  }

  private async runStore(
    s: StoreState,
    count: number,
    at: (k: number) => number,
    opts: RunOptions,
    result: {
      sales: number;
      events: number;
      appends: number;
      lagMs: number[];
      firstCommit: number;
      lastCommit: number;
    },
  ): Promise<void> {
    let lastAppend = 0;
    for (let k = 0; k < count && !opts.signal?.aborted;) {
      const now = Date.now();
      const wait = Math.max(at(k) - now, lastAppend + this.opts.tickMs - now);
      if (wait > 0) {
        await sleep(Math.ceil(wait));
        continue;
      }
      let due = k;
      while (due < count && due - k < this.opts.maxSalesPerAppend && at(due) <= now) due++;
      const drafts: EventDraft[] = [];
      const sales: (Omit<SaleCommit, 'committedAt' | 'storeSeq'> & { index: number })[] = [];
      for (let j = k; j < due; j++) {
        const sale = s.mix.next();
        const index = drafts.length + sale.saleIndex;
        for (const a of sale.appends) drafts.push(...a);
        s.sold += 1;
        sales.push({ transactionId: sale.transactionId, ordinal: s.sold, scheduledAt: at(j), index });
      }
      lastAppend = Date.now();
      const range = await appendOutboxEvents(s.client, s.store.storeId, drafts);
      const committedAt = Date.now();
      k = due;
      result.sales += sales.length;
      result.events += drafts.length;
      result.appends += 1;
      result.firstCommit ||= committedAt;
      result.lastCommit = Math.max(result.lastCommit, committedAt);
      const done = sales.map(({ index, ...x }) => ({ ...x, storeSeq: range.fromSeq + index, committedAt }));
      for (const x of done) result.lagMs.push(committedAt - x.scheduledAt);
      opts.onAppend?.({ storeId: s.store.storeId, ...range, committedAt, sales: done });
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.stores.map((s) => s.client.end()));
  }
}
