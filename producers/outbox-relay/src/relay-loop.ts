import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs, errorCode, type AppError, type BackoffOptions, type Logger } from '@retail-stream/runtime';
import type pg from 'pg';
import type { EventEncoder } from './event-encoder.ts';
import { markPublished, recordFailure } from './outbox-marks.ts';
import { readUnpublished } from './outbox-reader.ts';
import type { OutboxRow } from './outbox-row.ts';
import type { Publisher } from './publisher.ts';
import type { RelayMetrics } from './relay-metrics.ts';
import type { StoreLease } from './store-lease.ts';
import { OUTBOX_CHANNEL } from './store-database-url.ts';
import { WakeSignal } from './wake-signal.ts';

/** Where publish outcomes go (the health loop's offline detector). */
export interface ConnectivityReporter {
  success(): void;
  failure(error: AppError): void;
}

export interface OutboxRelayOptions {
  storeId: string;
  lease: StoreLease;
  /** For marks and failure records; batches are read through the lease's own session. */
  pool: pg.Pool;
  publisher: Publisher;
  encoder: EventEncoder;
  schemaIds: { refresh(): Promise<boolean> };
  connectivity: ConnectivityReporter;
  metrics: RelayMetrics;
  logger: Logger;
  batchSize: number;
  pollIntervalMs: number;
  backoff: BackoffOptions;
  blockedRecheckMs: number;
}

type Step = { next: 'more' } | { next: 'idle' } | { next: 'retry'; delayMs: number } | { next: 'blocked' };

export interface Stall {
  kind: 'blocked' | 'schema-unknown';
  storeSeq: number;
  code: string;
  message: string;
}

/**
 * Publishes one store's outbox in store_seq order, one batch at a time:
 *
 *   hold the store lease → read the first unpublished rows → encode → publish → mark the
 *   acknowledged prefix published → repeat.
 *
 * Nothing is ever skipped. A publish that fails part-way marks what was acknowledged and resumes
 * at the first unacknowledged row after a capped, jittered backoff. A row that cannot be encoded
 * stops the store (see block()): order beats progress.
 */
export class OutboxRelay {
  private readonly stopping = new AbortController();
  private readonly newRows = new WakeSignal();
  private readonly retry = new WakeSignal();
  private running: Promise<void> | undefined;
  private attempt = 0;
  private currentStall: Stall | undefined;

  constructor(private readonly opts: OutboxRelayOptions) {}

  /** This instance holds the lease and publishes (the others stand by). */
  get active(): boolean {
    return this.opts.lease.held;
  }

  /** Why the store is not moving although the destination may be fine. */
  get stall(): Stall | undefined {
    return this.currentStall;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Stops polling; the batch in flight is finished (published and marked) before this resolves. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** The destination is reachable again: end the backoff and drain the backlog now. */
  retryNow(): void {
    this.retry.wake();
  }

  private async run(): Promise<void> {
    const { lease, logger, metrics } = this.opts;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const session = await lease.acquire(signal);
      if (!session) break;
      metrics.leaseHeld.set(1);
      logger.info({ store_id: this.opts.storeId }, 'store lease acquired; publishing');
      try {
        await this.publishWhileLeased(session, signal);
      } catch (err) {
        // Database trouble (the lease session or a mark failed): give the lease up and start over
        // from the first unpublished row; anything published but not marked is sent again, in order.
        logger.error({ err, code: errorCode(err) }, 'publishing interrupted; releasing the lease and starting over');
      } finally {
        metrics.leaseHeld.set(0);
        await lease.release();
      }
      if (!signal.aborted) await sleep(this.opts.backoff.initialMs, undefined, { signal }).catch(() => undefined);
    }
  }

  private async publishWhileLeased(session: pg.Client, signal: AbortSignal): Promise<void> {
    const lost = this.opts.lease.lost;
    const onNotify = () => this.newRows.wake();
    session.on('notification', onNotify);
    try {
      // The store edge NOTIFYs on commit of new rows; polling stays as the safety net.
      await session.query(`LISTEN ${OUTBOX_CHANNEL}`);
      const interrupt = AbortSignal.any([signal, lost]);
      while (!interrupt.aborted) {
        this.newRows.clear();
        const step = await this.step(session);
        if (step.next === 'idle') await this.newRows.wait(this.opts.pollIntervalMs, interrupt);
        else if (step.next === 'retry') await this.retry.wait(step.delayMs, interrupt);
        else if (step.next === 'blocked') await sleep(this.opts.blockedRecheckMs, undefined, { signal: interrupt }).catch(() => undefined);
      }
    } finally {
      session.off('notification', onNotify);
    }
  }

  /** One batch: read, encode, publish, mark. */
  private async step(session: pg.Client): Promise<Step> {
    const { storeId, encoder, publisher, pool, metrics, batchSize } = this.opts;
    const rows = await readUnpublished(session, storeId, batchSize);
    if (rows.length === 0) {
      this.unstall();
      return { next: 'idle' };
    }
    const { events, stopped } = encoder.encodeBatch(rows);
    if (events.length > 0) {
      const started = performance.now();
      const outcome = await publisher.publish(events);
      metrics.duration.observe((performance.now() - started) / 1000);
      if (outcome.acked > 0) {
        const last = events[outcome.acked - 1]!.storeSeq;
        await markPublished(pool, storeId, publisher.destination, events[0]!.storeSeq, last);
        metrics.published.inc(outcome.acked);
        metrics.lastPublishedSeq.set(last);
      }
      if (outcome.error) return this.failed(rows[outcome.acked]!, outcome.error);
      this.attempt = 0;
      this.opts.connectivity.success();
    }
    if (stopped) {
      if (stopped.error.retriable) {
        // The id of a valid event type is not known yet (registry never reached): ask again.
        await this.opts.schemaIds.refresh();
        return this.failed(stopped.row, stopped.error);
      }
      return this.block(stopped.row, stopped.error);
    }
    this.unstall();
    return rows.length === batchSize ? { next: 'more' } : { next: 'idle' };
  }

  private async failed(row: OutboxRow, error: AppError): Promise<Step> {
    const { metrics, logger, storeId, pool } = this.opts;
    this.attempt++;
    const delayMs = backoffDelayMs(this.attempt, this.opts.backoff);
    metrics.errors.inc({ code: error.code });
    if (error.code === 'SCHEMA_ID_UNKNOWN') {
      this.currentStall = { kind: 'schema-unknown', storeSeq: row.storeSeq, code: error.code, message: error.message };
    } else {
      this.opts.connectivity.failure(error);
    }
    logger.warn(
      { store_seq: row.storeSeq, attempt: this.attempt, retry_in_ms: delayMs, code: error.code, err: error.message },
      'publish failed; retrying from the first unacknowledged row',
    );
    await recordFailure(pool, storeId, row.storeSeq, `${error.code}: ${error.message}`, delayMs).catch((err: unknown) =>
      logger.warn({ err }, 'could not record the failed attempt on the outbox row'),
    );
    return { next: 'retry', delayMs };
  }

  /**
   * A row that cannot be encoded is a bug at the store edge (it wrote an event its schema does not
   * allow). Skipping it would publish later events without it, and a consumer could never tell the
   * gap from a loss; publishing it some other way would poison every consumer. So the store stops
   * here, loudly (error log, retail_relay_blocked, relay_status OFFLINE with the reason), and
   * re-checks the row every blockedRecheckMs: once someone fixes the payload, publishing resumes
   * in order.
   */
  private async block(row: OutboxRow, error: AppError): Promise<Step> {
    const { metrics, logger, storeId, pool } = this.opts;
    metrics.errors.inc({ code: error.code });
    metrics.blocked.set(1);
    const fields = { store_seq: row.storeSeq, event_id: row.eventId, event_type: row.eventType, code: error.code, err: error.message, details: error.details };
    if (this.currentStall?.kind !== 'blocked' || this.currentStall.storeSeq !== row.storeSeq) {
      logger.error(
        fields,
        'outbox row cannot be encoded: publishing for this store is STOPPED until the row is fixed (later rows wait, order is kept)',
      );
    } else {
      logger.warn(fields, 'store still blocked by an outbox row that cannot be encoded');
    }
    this.currentStall = { kind: 'blocked', storeSeq: row.storeSeq, code: error.code, message: error.message };
    await recordFailure(pool, storeId, row.storeSeq, `${error.code}: ${error.message}`, this.opts.blockedRecheckMs).catch((err: unknown) =>
      logger.warn({ err }, 'could not record the error on the outbox row'),
    );
    return { next: 'blocked' };
  }

  private unstall(): void {
    if (!this.currentStall) return;
    if (this.currentStall.kind === 'blocked') {
      this.opts.logger.info({ store_seq: this.currentStall.storeSeq }, 'blocking outbox row is now valid; publishing resumed');
      this.opts.metrics.blocked.set(0);
    }
    this.currentStall = undefined;
  }
}
