import { errorCode, type AppError, type Logger } from '@retail-stream/runtime';
import type pg from 'pg';
import type { OfflineDetector } from './offline-detector.ts';
import { outboxBacklog } from '@retail-stream/store-edge';
import type { Publisher } from './publisher.ts';
import type { ConnectivityReporter, OutboxRelay } from './relay-loop.ts';
import type { RelayMetrics } from './relay-metrics.ts';
import { writeRelayStatus } from './relay-status.ts';

export interface HealthLoopOptions {
  storeId: string;
  pool: pg.Pool;
  publisher: Publisher;
  detector: OfflineDetector;
  metrics: RelayMetrics;
  logger: Logger;
  intervalMs: number;
  probeTimeoutMs: number;
}

/**
 * The relay's view of "is this store's data reaching HQ", once per interval:
 *  - if nothing was published during the interval, probe the destination, so an idle store still
 *    notices an outage (and its end) — publish outcomes count the same as probes;
 *  - heartbeat relay_status (ONLINE/OFFLINE, last_error) for the POS screen;
 *  - refresh the backlog gauges.
 * Only the instance holding the store's lease does this; a standby has nothing to report.
 */
export class HealthLoop implements ConnectivityReporter {
  private lastOutcomeAt = 0;
  private relay: OutboxRelay | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: HealthLoopOptions) {}

  attach(relay: OutboxRelay): void {
    this.relay = relay;
  }

  success(): void {
    this.lastOutcomeAt = Date.now();
    const change = this.opts.detector.success();
    if (!change) return;
    this.opts.metrics.online.set(1);
    this.opts.logger.info({ from: change.from }, `${this.opts.publisher.destination} reachable: ONLINE`);
    // Back from an outage: stop waiting out the backoff and drain the backlog now, in order.
    if (change.from === 'OFFLINE') this.relay?.retryNow();
    this.writeStatus();
  }

  failure(error: AppError): void {
    this.lastOutcomeAt = Date.now();
    const change = this.opts.detector.failure(`${error.code}: ${error.message}`);
    if (!change) return;
    this.opts.metrics.online.set(0);
    this.opts.logger.error(
      { failures: this.opts.detector.consecutiveFailures, code: error.code, err: error.message },
      `${this.opts.publisher.destination} unreachable: OFFLINE (outbox rows are kept and published when it is back)`,
    );
    this.writeStatus();
  }

  async tick(): Promise<void> {
    if (!this.relay?.active) return;
    if (Date.now() - this.lastOutcomeAt >= this.opts.intervalMs) {
      try {
        await this.opts.publisher.probe(this.opts.probeTimeoutMs);
        this.success();
      } catch (err) {
        this.failure(err as AppError);
      }
    }
    this.writeStatus();
    await this.writing;
    const backlog = await outboxBacklog(this.opts.pool, this.opts.storeId);
    this.opts.metrics.backlog.set(backlog.rows);
    this.opts.metrics.oldestAge.set(backlog.oldestAgeSeconds);
  }

  /** ONLINE only when events can flow: reachable and not stopped by a bad row. */
  currentStatus(): { status: 'ONLINE' | 'OFFLINE'; lastError: string | undefined } | undefined {
    const { detector } = this.opts;
    if (detector.state === 'UNKNOWN') return undefined;
    const stall = this.relay?.stall;
    if (stall?.kind === 'blocked') {
      return {
        status: 'OFFLINE',
        lastError: `BLOCKED at store_seq ${stall.storeSeq}: ${stall.code}: ${stall.message}`,
      };
    }
    if (detector.state === 'OFFLINE') return { status: 'OFFLINE', lastError: detector.lastError };
    return { status: 'ONLINE', lastError: stall ? `${stall.code}: ${stall.message}` : undefined };
  }

  /** Serialised, so an older status never overwrites a newer one. */
  private writeStatus(): void {
    this.writing = this.writing.then(async () => {
      const now = this.currentStatus();
      if (!now || !this.relay?.active) return;
      try {
        await writeRelayStatus(
          this.opts.pool,
          this.opts.storeId,
          this.opts.publisher.destination,
          now.status,
          now.lastError,
        );
        this.opts.metrics.lastHeartbeat.setToCurrentTime();
      } catch (err) {
        this.opts.logger.warn({ err, code: errorCode(err) }, 'could not write relay_status');
      }
    });
  }
}
