import { setTimeout as sleep } from 'node:timers/promises';
import {
  backoffDelayMs,
  DEFAULT_MAX_UNKNOWN_ERROR_RETRIES,
  errorCode,
  nowNs,
  recordTracesWanted,
  traceSentRecords,
  UnknownErrorBudget,
  type AppError,
  type BackoffOptions,
  type Logger,
} from '@retail-stream/runtime';
import type pg from 'pg';
import type { EncodedBatch, EventEncoder } from './event-encoder.ts';
import { markPublished, recordFailure } from './outbox-marks.ts';
import { readUnpublished, type ReadBounds } from './outbox-reader.ts';
import { stopAtOversized } from './oversized-event.ts';
import type { OutboxRow } from './outbox-row.ts';
import type { Publisher } from './publisher.ts';
import type { RelayMetrics } from './relay-metrics.ts';
import type { StoreLease } from './store-lease.ts';
import { OUTBOX_CHANNEL } from '@retail-stream/store-edge';
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
  /** Rows and stored payload bytes per read (RELAY_BATCH_SIZE, RELAY_BATCH_MAX_BYTES). */
  batch: ReadBounds;
  pollIntervalMs: number;
  backoff: BackoffOptions;
  blockedRecheckMs: number;
  /** MAX_UNKNOWN_ERROR_RETRIES: lease rounds ended by an unrecognised error before giving up. */
  maxUnknownErrorRetries?: number;
  /** Called once the budget is spent; the service stops (exit 1). Without it the relay just stops publishing. */
  onFatal?: (err: unknown) => void;
}

interface Batch {
  rows: OutboxRow[];
  /** A read bound (rows or bytes) cut the read: more rows may be waiting. */
  full: boolean;
  encoded: EncodedBatch;
}

/** What the current lease holder has done; reset with every new lease. */
interface Progress {
  /** Highest store_seq the destination acknowledged during this lease (marked, or being marked). */
  ackedUpTo: number;
  /** The next batch, read and encoded while the current one is with the destination. */
  ahead: Promise<Batch> | undefined;
  /** The previous batch's mark, completing while the next batch is published. */
  marking: Promise<void> | undefined;
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
 * at the first unacknowledged row after a capped, jittered backoff. A row that cannot be encoded,
 * or whose event alone is larger than the destination accepts, stops the store (see block()): order
 * beats progress.
 */
export class OutboxRelay {
  private readonly stopping = new AbortController();
  private readonly newRows = new WakeSignal();
  private readonly retry = new WakeSignal();
  private running: Promise<void> | undefined;
  private attempt = 0;
  private currentStall: Stall | undefined;
  private readonly unknownErrors: UnknownErrorBudget;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.unknownErrors = new UnknownErrorBudget(
      opts.maxUnknownErrorRetries ?? DEFAULT_MAX_UNKNOWN_ERROR_RETRIES,
      `outbox relay of store ${opts.storeId}`,
    );
  }

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
        // An error nothing recognises (a bug) gets only a bounded number of such rounds.
        const exhausted = this.unknownErrors.record(err);
        if (exhausted) {
          logger.fatal(
            { err: exhausted, code: exhausted.code, attempts: this.unknownErrors.attempts },
            `publishing failed ${this.unknownErrors.attempts} times in a row with an unknown error: stopping`,
          );
          this.opts.onFatal?.(exhausted);
          break; // the finally below gives the lease up
        }
        logger.error(
          { err, code: errorCode(err) },
          'publishing interrupted; releasing the lease and starting over',
        );
      } finally {
        metrics.leaseHeld.set(0);
        await lease.release();
      }
      if (!signal.aborted)
        await sleep(this.opts.backoff.initialMs, undefined, { signal }).catch(() => undefined);
    }
  }

  private async publishWhileLeased(session: pg.Client, signal: AbortSignal): Promise<void> {
    const lost = this.opts.lease.lost;
    const onNotify = () => this.newRows.wake();
    session.on('notification', onNotify);
    // Progress is per lease: a new holder starts from what the database says is unpublished.
    const progress: Progress = { ackedUpTo: 0, ahead: undefined, marking: undefined };
    try {
      // The store edge NOTIFYs on commit of new rows; polling stays as the safety net.
      await session.query(`LISTEN ${OUTBOX_CHANNEL}`);
      const interrupt = AbortSignal.any([signal, lost]);
      while (!interrupt.aborted) {
        this.newRows.clear();
        const step = await this.step(session, progress);
        if (step.next === 'idle') await this.newRows.wait(this.opts.pollIntervalMs, interrupt);
        else if (step.next === 'retry') await this.retry.wait(step.delayMs, interrupt);
        else if (step.next === 'blocked')
          await sleep(this.opts.blockedRecheckMs, undefined, { signal: interrupt }).catch(() => undefined);
      }
      // Stopping (or the lease is gone): what the destination acknowledged is marked before we let go.
      await this.discardAhead(progress);
      await this.settleMark(progress);
    } finally {
      session.off('notification', onNotify);
      await this.discardAhead(progress);
      await this.settleMark(progress).catch(() => undefined);
    }
  }

  /**
   * One batch: read, encode, publish, mark. Pipelined without giving up order: while batch N is
   * with the destination, batch N+1 is read and encoded (rows after N's last store_seq) and batch
   * N-1's mark completes; publishes themselves never overlap, and marks run one at a time in order.
   */
  private async step(session: pg.Client, progress: Progress): Promise<Step> {
    const { publisher, metrics } = this.opts;
    const batch = await (progress.ahead ?? this.readBatch(session, progress.ackedUpTo));
    progress.ahead = undefined;
    const { rows } = batch;
    if (rows.length === 0) {
      await this.settleMark(progress);
      this.unstall();
      return { next: 'idle' };
    }
    const { events, stopped } = batch.encoded;
    if (events.length > 0) {
      if (batch.full && !stopped) {
        const ahead = this.readBatch(session, events[events.length - 1]!.storeSeq);
        ahead.catch(() => undefined); // observed when awaited; must not count as unhandled meanwhile
        progress.ahead = ahead;
      }
      const started = performance.now();
      const startedNs = nowNs();
      const outcome = await publisher.publish(events);
      const seconds = (performance.now() - started) / 1000;
      metrics.duration.observe(seconds);
      metrics.phase.observe({ phase: 'publish' }, seconds);
      if (outcome.acked > 0) {
        // Per-event spans and debug lines (each in its event's trace) only when exported or at debug.
        if (recordTracesWanted(this.opts.logger)) {
          const name = `publish ${publisher.destination}`;
          const o = { service: 'outbox-relay', name, startNs: startedNs, logger: this.opts.logger };
          traceSentRecords(events.slice(0, outcome.acked), o);
        }
        const first = events[0]!.storeSeq;
        const last = events[outcome.acked - 1]!.storeSeq;
        progress.ackedUpTo = last;
        await this.settleMark(progress); // the previous batch's mark: at most one in flight, in order
        const marking = this.mark(first, last, outcome.acked);
        marking.catch(() => undefined); // observed by settleMark
        progress.marking = marking;
      }
      if (outcome.error) {
        await this.discardAhead(progress);
        await this.settleMark(progress);
        // The destination refused that one event as too large: resending it can never help.
        if (outcome.error.code === 'OUTBOX_EVENT_TOO_LARGE')
          return this.block(rows[outcome.acked]!, outcome.error);
        return this.failed(rows[outcome.acked]!, outcome.error);
      }
      this.attempt = 0;
      this.unknownErrors.reset();
      this.opts.connectivity.success();
    }
    if (stopped) {
      await this.settleMark(progress);
      if (stopped.error.retriable) {
        // The id of a valid event type is not known yet (registry never reached): ask again.
        await this.opts.schemaIds.refresh();
        return this.failed(stopped.row, stopped.error);
      }
      return this.block(stopped.row, stopped.error);
    }
    this.unstall();
    return batch.full ? { next: 'more' } : { next: 'idle' };
  }

  /** Rows after `afterSeq`, through the lease's session (proof the lease still holds), encoded. */
  private async readBatch(session: pg.Client, afterSeq: number): Promise<Batch> {
    const { storeId, encoder, metrics } = this.opts;
    const t0 = performance.now();
    const { rows, full } = await readUnpublished(session, storeId, this.opts.batch, afterSeq);
    const t1 = performance.now();
    const limit = this.opts.publisher.recordLimit;
    const all = encoder.encodeBatch(rows);
    const encoded = limit ? stopAtOversized(rows, all, limit) : all;
    if (rows.length > 0) {
      metrics.phase.observe({ phase: 'read' }, (t1 - t0) / 1000);
      metrics.phase.observe({ phase: 'encode' }, (performance.now() - t1) / 1000);
    }
    return { rows, full, encoded };
  }

  private async mark(first: number, last: number, count: number): Promise<void> {
    const { storeId, publisher, pool, metrics } = this.opts;
    const t0 = performance.now();
    await markPublished(pool, storeId, publisher.destination, first, last);
    metrics.phase.observe({ phase: 'mark' }, (performance.now() - t0) / 1000);
    metrics.published.inc(count);
    metrics.lastPublishedSeq.set(last);
  }

  /** Waits for the outstanding mark; throws if it failed (the caller then starts over). */
  private async settleMark(progress: Progress): Promise<void> {
    const marking = progress.marking;
    progress.marking = undefined;
    await marking;
  }

  private async discardAhead(progress: Progress): Promise<void> {
    const ahead = progress.ahead;
    progress.ahead = undefined;
    await ahead?.catch(() => undefined);
  }

  private async failed(row: OutboxRow, error: AppError): Promise<Step> {
    const { metrics, logger, storeId, pool } = this.opts;
    this.attempt++;
    const delayMs = backoffDelayMs(this.attempt, this.opts.backoff);
    metrics.errors.inc({ code: error.code });
    if (error.code === 'SCHEMA_ID_UNKNOWN') {
      this.currentStall = {
        kind: 'schema-unknown',
        storeSeq: row.storeSeq,
        code: error.code,
        message: error.message,
      };
    } else {
      this.opts.connectivity.failure(error);
    }
    logger.warn(
      {
        store_seq: row.storeSeq,
        attempt: this.attempt,
        retry_in_ms: delayMs,
        code: error.code,
        err: error.message,
      },
      'publish failed; retrying from the first unacknowledged row',
    );
    await recordFailure(pool, storeId, row.storeSeq, `${error.code}: ${error.message}`, delayMs).catch(
      (err: unknown) => logger.warn({ err }, 'could not record the failed attempt on the outbox row'),
    );
    return { next: 'retry', delayMs };
  }

  /**
   * A row that cannot be encoded is a bug at the store edge (it wrote an event its schema does not
   * allow); a row whose event alone is larger than the destination accepts (OUTBOX_EVENT_TOO_LARGE)
   * would be refused on every attempt, which retrying would only disguise as an outage. Skipping
   * either would publish later events without it, and a consumer could never tell the gap from a
   * loss; publishing it some other way would poison every consumer. So the store stops here, loudly
   * (error log, retail_relay_blocked, relay_status OFFLINE with the reason), and re-checks the row
   * every blockedRecheckMs: once someone fixes the payload (or raises the limit), publishing
   * resumes in order.
   */
  private async block(row: OutboxRow, error: AppError): Promise<Step> {
    const { metrics, logger, storeId, pool } = this.opts;
    metrics.errors.inc({ code: error.code });
    metrics.blocked.set(1);
    const fields = {
      store_seq: row.storeSeq,
      event_id: row.eventId,
      event_type: row.eventType,
      code: error.code,
      err: error.message,
      details: error.details,
    };
    if (this.currentStall?.kind !== 'blocked' || this.currentStall.storeSeq !== row.storeSeq) {
      logger.error(
        fields,
        'outbox row cannot be published: publishing for this store is STOPPED until the row is fixed (later rows wait, order is kept)',
      );
    } else {
      logger.warn(fields, 'store still blocked by an outbox row that cannot be published');
    }
    this.currentStall = { kind: 'blocked', storeSeq: row.storeSeq, code: error.code, message: error.message };
    await recordFailure(
      pool,
      storeId,
      row.storeSeq,
      `${error.code}: ${error.message}`,
      this.opts.blockedRecheckMs,
    ).catch((err: unknown) => logger.warn({ err }, 'could not record the error on the outbox row'));
    return { next: 'blocked' };
  }

  private unstall(): void {
    if (!this.currentStall) return;
    if (this.currentStall.kind === 'blocked') {
      this.opts.logger.info(
        { store_seq: this.currentStall.storeSeq },
        'blocking outbox row is now valid; publishing resumed',
      );
      this.opts.metrics.blocked.set(0);
    }
    this.currentStall = undefined;
  }
}
