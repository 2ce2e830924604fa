import { UnknownErrorBudget, type BaseServiceConfig, type Logger } from '@retail-stream/runtime';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { loadAccounts, type AccountSources } from './authority/accounts.ts';
import { AuthorityClient, type Credentials } from './authority/authority-client.ts';
import { AccountRateLimiter } from './authority/rate-limiter.ts';
import { TokenCache } from './authority/token-cache.ts';
import type { SyncWorkerConfig } from './config.ts';
import { noCredentialsReason } from './document-store.ts';
import type { Flow } from './mapping/national-documents.ts';
import { countsByStatus, oldestPendingSeconds, overdueDocuments } from './operator-queries.ts';
import { DocumentQueue, type LeasedDocument } from './queue/document-queue.ts';
import { FlowDispatcher } from './queue/flow-dispatcher.ts';
import { SettleBatcher } from './queue/settle-batcher.ts';
import { syncDocument, type SyncDeps } from './queue/sync-document.ts';
import { syncMetrics, type SyncMetrics } from './sync-metrics.ts';

const FLOWS: Flow[] = ['sale', 'import', 'cancellation'];

/**
 * The sending side of the sync: one dispatcher per flow, the token cache, the per-account pacing
 * and the sweeper (expired leases, the status gauges, accounts re-read, the overdue alert).
 */
export class SyncWorkers {
  private accounts: Map<string, Credentials>;
  private readonly dispatchers: FlowDispatcher[];
  private readonly queue: DocumentQueue;
  private readonly settler: SettleBatcher;
  private readonly metrics: SyncMetrics;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private readonly warnedMissing = new Set<string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly config: SyncWorkerConfig &
      AccountSources &
      Pick<BaseServiceConfig, 'MAX_UNKNOWN_ERROR_RETRIES'>,
    private readonly logger: Logger,
    registry: Registry,
    /** A dispatcher's unknown-error budget is spent (a bug): the sink process stops. */
    onFatal: (err: unknown) => void = () => undefined,
  ) {
    this.accounts = loadAccounts(config);
    this.queue = new DocumentQueue(pool);
    this.settler = new SettleBatcher(this.queue);
    this.metrics = syncMetrics(registry);
    const client = new AuthorityClient(
      config.NATIONAL_SYNC_BASE_URL,
      config.NATIONAL_SYNC_REQUEST_TIMEOUT_MS,
    );
    const tokens = new TokenCache(
      (c) => client.login(c),
      (reason) => this.metrics.tokenRefreshes.inc({ reason }),
    );
    const deps: SyncDeps = {
      client,
      tokens,
      limiter: new AccountRateLimiter(config.NATIONAL_SYNC_RATE_PER_ACCOUNT),
      credentialsOf: (maCoSo) => this.accounts.get(maCoSo),
      backoff: {
        initialMs: config.NATIONAL_SYNC_RETRY_INITIAL_MS,
        maxMs: config.NATIONAL_SYNC_RETRY_MAX_MS,
        jitter: 0.5,
      },
      maxAttempts: config.NATIONAL_SYNC_MAX_ATTEMPTS,
      unknownOutcomeGraceMs: config.NATIONAL_SYNC_UNKNOWN_OUTCOME_GRACE_MS,
      waitMs: config.NATIONAL_SYNC_SWEEP_INTERVAL_MS,
      observe: (method, type, outcome, seconds) =>
        this.metrics.requestSeconds.observe({ method, type, outcome }, seconds),
    };
    const concurrency: Record<Flow, number> = {
      sale: config.NATIONAL_SYNC_SALE_CONCURRENCY,
      import: config.NATIONAL_SYNC_IMPORT_CONCURRENCY,
      cancellation: config.NATIONAL_SYNC_CANCELLATION_CONCURRENCY,
    };
    this.dispatchers = FLOWS.map(
      (flow) =>
        new FlowDispatcher({
          flow,
          concurrency: concurrency[flow],
          leaseMs: config.NATIONAL_SYNC_LEASE_MS,
          pollMs: config.NATIONAL_SYNC_POLL_MS,
          queue: this.queue,
          logger,
          accounts: () => [...this.accounts.keys()],
          work: (doc) => this.work(doc, deps),
          unknownErrors: new UnknownErrorBudget(
            config.MAX_UNKNOWN_ERROR_RETRIES,
            `national sync ${flow} flow`,
          ),
          onFatal,
        }),
    );
  }

  hasAccount(maCoSo: string): boolean {
    return this.accounts.has(maCoSo);
  }

  async start(): Promise<void> {
    this.logger.info(
      { accounts: this.accounts.size, base_url: this.config.NATIONAL_SYNC_BASE_URL },
      'national sync: workers starting',
    );
    await this.sweep();
    for (const d of this.dispatchers) d.start();
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = null));
    }, this.config.NATIONAL_SYNC_SWEEP_INTERVAL_MS);
  }

  /** New documents were recorded: look at the queues now. */
  wake(): void {
    for (const d of this.dispatchers) d.wake();
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await Promise.all(this.dispatchers.map((d) => d.stop()));
    await this.settler.drain();
    await this.sweeping;
  }

  private async work(doc: LeasedDocument, deps: SyncDeps): Promise<void> {
    const { settlement, attempts } = await syncDocument(doc, deps);
    const applied = await this.settler.settle({ doc, settlement, attempts });
    this.metrics.settled.inc({ type: doc.docType, result: applied ? settlement.status : 'LEASE_LOST' });
    const log = {
      document: doc.id,
      type: doc.docType,
      op: doc.op,
      store: doc.storeId,
      local_id: doc.localId,
      attempt: doc.attempt,
    };
    if (settlement.status === 'SYNC_FAILED') {
      this.logger.warn(
        { ...log, code: 'NATIONAL_SYNC_REJECTED', error: settlement.error },
        'national sync: document failed',
      );
    } else if (settlement.status === 'RETRY') {
      this.logger.info(
        { ...log, error: settlement.error, delay_ms: settlement.delayMs },
        'national sync: retry scheduled',
      );
    }
  }

  /** The sweeper's round; errors are logged and the next round tries again. */
  private async sweep(): Promise<void> {
    try {
      this.reloadAccounts();
      const requeued = await this.queue.requeueExpired();
      if (requeued > 0) {
        this.logger.warn(
          { requeued },
          'national sync: expired leases re-queued (read back before resending)',
        );
        this.wake();
      }
      await this.queue.markWaiting([...this.accounts.keys()], noCredentialsReason);
      await this.refreshGauges();
    } catch (err) {
      this.logger.warn({ err }, 'national sync: sweep failed');
    }
  }

  private reloadAccounts(): void {
    try {
      const next = loadAccounts(this.config);
      const added = [...next.keys()].filter((k) => !this.accounts.has(k));
      this.accounts = next;
      if (added.length > 0) {
        this.logger.info({ ma_co_so: added }, 'national sync: accounts added');
        this.wake();
      }
    } catch (err) {
      // Keep the accounts we have; the message names the source, never a password.
      this.logger.error({ err: (err as Error).message }, 'national sync: accounts could not be re-read');
    }
  }

  private async refreshGauges(): Promise<void> {
    const counts = await countsByStatus(this.pool);
    this.metrics.documents.reset();
    for (const c of counts) {
      // A void's DELETE is counted apart from the invoices: `hoa_don_void`.
      const type = c.op === 'DELETE' ? `${c.doc_type}_void` : c.doc_type;
      this.metrics.documents.inc({ status: c.status, type }, c.documents);
    }
    this.metrics.oldestPendingSeconds.set(await oldestPendingSeconds(this.pool));
    const overdue = await overdueDocuments(this.pool, this.config.NATIONAL_SYNC_PENDING_ALERT_MS);
    this.metrics.overdue.set(overdue.total);
    if (overdue.total > 0) {
      this.logger.warn(
        { code: 'NATIONAL_SYNC_PENDING_TOO_LONG', overdue: overdue.total, oldest: overdue.oldest },
        'national sync: documents pending longer than the alert threshold',
      );
    }
    const missing = await this.pool.query<{ ma_co_so: string; n: number }>(
      `SELECT ma_co_so, count(*)::int AS n FROM documents
        WHERE status = 'PENDING_SYNC' AND waiting_reason LIKE 'NATIONAL_SYNC_NO_CREDENTIALS%' GROUP BY ma_co_so`,
    );
    for (const m of missing.rows) {
      if (this.warnedMissing.has(m.ma_co_so)) continue;
      this.warnedMissing.add(m.ma_co_so);
      this.logger.warn(
        { code: 'NATIONAL_SYNC_NO_CREDENTIALS', ma_co_so: m.ma_co_so, waiting: m.n },
        'national sync: documents wait for an account',
      );
    }
  }
}
