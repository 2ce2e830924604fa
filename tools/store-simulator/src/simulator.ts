import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, seededRandom, seedFromString, type Logger } from '@retail-stream/runtime';
import type { Registry } from 'prom-client';
import type { LotOnHand, PharmacyBehaviour } from './pharmacy-plan.ts';
import { DEFAULT_BEHAVIOUR, type Till, type TillBehaviour } from './checkout.ts';
import type { CustomerPlan } from './customer-plan.ts';
import type { LedgerWriter } from './ledger.ts';
import type { OfflineEpisode } from './offline-schedule.ts';
import { SimStats, type StatsSnapshot } from './sim-stats.ts';
import { isOpen, type StoreHours } from './store-hours.ts';
import { DrugDirectory } from './drug-directory.ts';
import { buildSimStore, type SimStore } from './sim-store.ts';
import type { HostedStoreInfo } from './store-host.ts';

export interface SimOptions {
  /** Store ids to drive; empty: the first `storeCount` stores of the host. */
  storeIds: string[];
  storeCount: number;
  terminals: number;
  /** Target sales per second over all tills. */
  rate: number;
  /** 0: until stopped. */
  durationS: number;
  seed: number;
  offline: OfflineEpisode[];
  hours: StoreHours;
  receiptEveryS: number;
  countEveryS: number;
  /** Pharmacy stores: seconds between lot write-offs (0: never; default 60). */
  writeOffEveryS?: number;
  /**
   * Stores with a pharmacy code sell medicines with lots and prescriptions, receive drugs with lots
   * and write lots off (default true). false: they behave as every other store.
   */
  pharmacies?: boolean;
  pharmacyBehaviour?: PharmacyBehaviour;
  behaviour?: TillBehaviour;
  /**
   * Customers the first till of every store serves at the start, back to back and in order,
   * before any drawn at random (e.g. everyCaseScript(): a test asserts on cases it caused).
   */
  script?: CustomerPlan[];
}

export interface SimDeps {
  hostUrl: string;
  /** Bearer token of the host's control API, when it requires one. */
  hostToken?: string;
  tokenSecret: string;
  qrSecret: string;
  ledger: LedgerWriter;
  logger: Logger;
  metrics: Registry;
}

export interface SimStatus {
  state: 'ready' | 'running' | 'paused' | 'finished';
  elapsed_s: number;
  duration_s: number;
  target_rate: number;
  stats: StatsSnapshot;
  ledger: { file: string; records: number };
  stores: { store_id: string; name: string; url: string; tills: number; open: boolean; online: boolean }[];
  offline_schedule: OfflineEpisode[];
}

const TICK_MS = 100;

/**
 * Drives N stores × M tills through the store edges' APIs at a target rate (Poisson arrivals per
 * till, one customer at a time per till), plus each store's back office, scripted offline
 * episodes (through the host's control API) and store hours. Content is deterministic for a
 * seed: every till and back office has its own seeded stream, so timing does not change baskets.
 */
export class Simulator {
  private state: SimStatus['state'] = 'ready';
  private rate: number;
  private startedAt: number | undefined;
  private readonly loops: Promise<void>[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly online = new Map<string, boolean>();
  private readonly takenOffline = new Set<string>();
  private finishing: Promise<void> | undefined;
  private resolveFinished!: () => void;
  /** Resolves once the run is over (duration reached or stop()). */
  readonly finished: Promise<void>;

  private constructor(
    private readonly opts: SimOptions,
    private readonly deps: SimDeps,
    private readonly stores: SimStore[],
    readonly stats: SimStats,
  ) {
    this.rate = opts.rate;
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    for (const s of stores) this.online.set(s.info.store_id, s.info.online);
  }

  /** Reads the host's stores and each store's catalogue (through its API), builds the tills. */
  static async prepare(opts: SimOptions, deps: SimDeps): Promise<Simulator> {
    const listed = await hostRequest<{ stores: HostedStoreInfo[] }>(deps, 'GET', '/control/stores');
    const chosen =
      opts.storeIds.length > 0
        ? opts.storeIds.map((id) => {
            const found = listed.stores.find((s) => s.store_id === id);
            if (!found) throw new Error(`store ${id} is not on the host (${deps.hostUrl})`);
            return found;
          })
        : listed.stores.slice(0, opts.storeCount);
    if (chosen.length === 0) throw new Error(`the host at ${deps.hostUrl} runs no stores`);
    for (const e of opts.offline) {
      if (!chosen.some((s) => s.store_id === e.storeId)) {
        throw new Error(`offline episode for ${e.storeId}, which this run does not drive`);
      }
    }
    const stats = new SimStats(deps.metrics);
    const behaviour = opts.behaviour ?? DEFAULT_BEHAVIOUR;
    const drugs = new DrugDirectory();
    const stores = await Promise.all(
      chosen.map((info) =>
        buildSimStore(info, opts, deps, stats, behaviour, drugs, async (storeId) => {
          const res = await hostRequest<{ lots: LotOnHand[] }>(
            deps,
            'GET',
            `/control/stores/${encodeURIComponent(storeId)}/lots`,
          );
          return res.lots;
        }),
      ),
    );
    const sim = new Simulator(opts, deps, stores, stats);
    deps.ledger.write({
      kind: 'run_started',
      run_id: crypto.randomUUID(),
      seed: opts.seed,
      options: {
        terminals: opts.terminals,
        rate: opts.rate,
        duration_s: opts.durationS,
        offline: opts.offline,
        hours: opts.hours,
      },
      stores: stores.map((s) => ({
        store_id: s.info.store_id,
        currency: s.info.currency,
        timezone: s.info.timezone,
        // null: not a pharmacy, or driven as an ordinary store (--pharmacies off).
        pharmacy_code: s.pharmacyCode,
      })),
    });
    return sim;
  }

  get tillCount(): number {
    return this.stores.reduce((n, s) => n + s.tills.length, 0);
  }

  /** Starts the run, or resumes a paused one. */
  start(): void {
    if (this.state === 'running' || this.state === 'finished') return;
    const first = this.startedAt === undefined;
    this.state = 'running';
    if (!first) return;
    this.startedAt = Date.now();
    for (const store of this.stores) {
      for (const till of store.tills) this.loops.push(this.tillLoop(store, till));
      this.loops.push(
        this.every(this.opts.receiptEveryS, store, 'receipts', () => store.backOffice.goodsReceipt()),
      );
      this.loops.push(
        this.every(this.opts.countEveryS, store, 'counts', () => store.backOffice.stockCount()),
      );
      const { writeOffs } = store;
      if (writeOffs) {
        this.loops.push(
          this.every(this.opts.writeOffEveryS ?? 60, store, 'write-offs', () => writeOffs.writeOff()),
        );
      }
    }
    for (const e of this.opts.offline) {
      this.timers.push(
        setTimeout(() => void this.setStoreOnline(e.storeId, false).catch(() => undefined), e.atMs),
      );
      this.timers.push(
        setTimeout(
          () => void this.setStoreOnline(e.storeId, true).catch(() => undefined),
          e.atMs + e.durationMs,
        ),
      );
    }
    if (this.opts.durationS > 0) {
      this.timers.push(
        setTimeout(() => void this.stopAfterScripts('duration reached'), this.opts.durationS * 1000),
      );
    }
    this.deps.logger.info(
      { stores: this.stores.length, tills: this.tillCount, rate: this.rate },
      'simulation started',
    );
  }

  /** Tills finish the customer they are serving and wait. */
  pause(): void {
    if (this.state === 'running') this.state = 'paused';
  }

  setRate(rate: number): void {
    if (!(rate > 0) || rate > 10_000) throw new RangeError('rate must be in (0, 10000] sales/s');
    this.rate = rate;
  }

  /** Takes a store offline (its relay's Kafka link is cut) or back online, through the host. */
  async setStoreOnline(storeId: string, online: boolean): Promise<HostedStoreInfo> {
    try {
      const info = await hostRequest<HostedStoreInfo>(
        this.deps,
        'POST',
        `/control/stores/${encodeURIComponent(storeId)}/${online ? 'online' : 'offline'}`,
      );
      this.online.set(storeId, info.online);
      if (online) this.takenOffline.delete(storeId);
      else this.takenOffline.add(storeId);
      this.deps.logger.info({ store_id: storeId, online }, online ? 'store back online' : 'store offline');
      return info;
    } catch (err) {
      this.stats.error(errorCode(err));
      this.deps.logger.error({ err, store_id: storeId }, 'host control request failed');
      throw err;
    }
  }

  /**
   * The duration's end, but never before every running till has started its scripted customers:
   * the script is part of the run's definition (tests assert what it does), and on a loaded
   * machine it can outlast a short duration.
   */
  private async stopAfterScripts(reason: string): Promise<void> {
    while (this.state === 'running' && this.stores.some((s) => s.tills.some((t) => t.scriptLeft > 0))) {
      await sleep(TICK_MS);
    }
    await this.stop(reason);
  }

  /**
   * Ends the run: no new customers, in-flight ones finish, stores this run took offline come back,
   * the ledger gets its last record and is closed. Idempotent.
   */
  stop(reason = 'stopped'): Promise<void> {
    this.finishing ??= (async () => {
      this.state = 'finished';
      for (const t of this.timers) clearTimeout(t);
      await Promise.allSettled(this.loops);
      await Promise.allSettled([...this.takenOffline].map((id) => this.setStoreOnline(id, true)));
      this.deps.ledger.write({
        kind: 'run_finished',
        run_id: '',
        totals: { ...this.stats.snapshot(), reason },
      });
      await this.deps.ledger.close();
      this.deps.logger.info({ reason, ...this.stats.snapshot() }, 'simulation finished');
      this.resolveFinished();
    })();
    return this.finishing;
  }

  status(): SimStatus {
    const now = new Date();
    return {
      state: this.state,
      elapsed_s: this.startedAt === undefined ? 0 : (Date.now() - this.startedAt) / 1000,
      duration_s: this.opts.durationS,
      target_rate: this.rate,
      stats: this.stats.snapshot(),
      ledger: { file: this.deps.ledger.file, records: this.deps.ledger.records },
      stores: this.stores.map((s) => ({
        store_id: s.info.store_id,
        name: s.info.name,
        url: s.info.url,
        tills: s.tills.length,
        open: isOpen(this.opts.hours, s.info.timezone, now),
        online: this.online.get(s.info.store_id) ?? true,
      })),
      offline_schedule: this.opts.offline,
    };
  }

  /** Poisson arrivals at rate/tills per till; a till that fell behind does not burst more than a second's worth. */
  private async tillLoop(store: SimStore, till: Till): Promise<void> {
    const timing = seededRandom(
      seedFromString(`${this.opts.seed}:${store.info.store_id}:${till.ctx.terminalId}:timing`),
    );
    let next = performance.now();
    while (this.state !== 'finished') {
      if (this.state !== 'running' || !isOpen(this.opts.hours, store.info.timezone, new Date())) {
        await sleep(TICK_MS);
        next = performance.now();
        continue;
      }
      if (till.scriptLeft > 0) {
        // Scripted customers queue at the start: served back to back, not at the arrival rate.
        await till.next();
        next = performance.now();
        continue;
      }
      const perTill = this.rate / this.tillCount;
      next = Math.max(next + (-Math.log(1 - timing()) / perTill) * 1000, performance.now() - 1000);
      while (this.state === 'running' && performance.now() < next) {
        await sleep(Math.min(TICK_MS, next - performance.now()));
      }
      if (this.state !== 'running') continue;
      await till.next();
    }
  }

  /** Runs task every `seconds`, the first time within the first period (seeded, so runs repeat). */
  private async every(
    seconds: number,
    store: SimStore,
    name: string,
    task: () => Promise<void>,
  ): Promise<void> {
    if (seconds <= 0) return;
    const jitter = seededRandom(seedFromString(`${this.opts.seed}:${store.info.store_id}:${name}`));
    let due = performance.now() + seconds * 1000 * (0.5 + jitter() / 2);
    while (this.state !== 'finished') {
      await sleep(TICK_MS);
      if (this.state !== 'running' || performance.now() < due) continue;
      if (!isOpen(this.opts.hours, store.info.timezone, new Date())) continue;
      due = performance.now() + seconds * 1000;
      await task();
    }
  }
}

async function hostRequest<T>(
  host: Pick<SimDeps, 'hostUrl' | 'hostToken'>,
  method: string,
  path: string,
): Promise<T> {
  const res = await fetch(`${host.hostUrl}${path}`, {
    method,
    headers: host.hostToken ? { authorization: `Bearer ${host.hostToken}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as T & { error?: { message?: string } };
  if (!res.ok) throw new Error(`host ${method} ${path}: ${res.status} ${body.error?.message ?? ''}`);
  return body;
}
