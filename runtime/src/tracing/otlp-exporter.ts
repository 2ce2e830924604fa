import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.ts';
import { encodeSpans } from './otlp-json.ts';
import type { FinishedSpan } from './span.ts';
import { countDroppedSpans, countExportedSpans, countExportFailure } from './trace-metrics.ts';

export interface OtlpExporterOptions {
  url: string;
  headers?: Record<string, string>;
  /** service.name of every span, when OTEL_SERVICE_NAME overrides the services' own names. */
  serviceName?: string;
  maxQueueSize: number;
  maxBatchSize: number;
  scheduleDelayMs: number;
  timeoutMs: number;
  logger?: Logger;
  /** Attempts per batch before it is dropped (default 5), and the first backoff (default 1 s). */
  maxAttempts?: number;
  backoffMs?: number;
  /** Upper bound of a server's Retry-After we honour (default 30 s). */
  maxRetryAfterMs?: number;
}

/** Retryable per the OTLP/HTTP spec ("Failures": 429, 502, 503, 504); anything else non-2xx is final. */
const RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * A batching span exporter over OTLP/HTTP JSON. `enqueue` is all the hot path pays: a push onto a
 * bounded array (a full queue drops the span and counts it). Batches leave on a timer or once a
 * batch is full, one request at a time; retryable failures back off (honouring Retry-After) while
 * spans keep queueing up to the bound; a batch that still fails is dropped and counted. `shutdown`
 * sends what is queued within one timeout.
 */
export class OtlpExporter {
  private queue: FinishedSpan[] = [];
  private exporting: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private warnedAt = 0;

  constructor(private readonly opts: OtlpExporterOptions) {
    this.timer = setInterval(() => this.kick(), Math.max(opts.scheduleDelayMs, 10));
    this.timer.unref();
  }

  enqueue(span: FinishedSpan): void {
    if (this.closed || this.queue.length >= this.opts.maxQueueSize) {
      countDroppedSpans('queue_full', 1);
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.opts.maxBatchSize) this.kick();
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Sends everything queued (one attempt per batch, bounded by the timeout), then stops. */
  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    this.closed = true;
    await this.exporting;
    const deadline = Date.now() + this.opts.timeoutMs;
    while (this.queue.length > 0 && Date.now() < deadline) {
      const batch = this.queue.splice(0, this.opts.maxBatchSize);
      const outcome = await this.send(batch).catch(() => 'failed' as const);
      if (outcome !== 'ok' && outcome !== 'final') countDroppedSpans('export_failed', batch.length);
    }
    countDroppedSpans('export_failed', this.queue.length);
    this.queue = [];
  }

  /** Starts the export loop unless one is running (never awaited by callers). */
  private kick(): void {
    if (this.exporting || this.queue.length === 0 || this.closed) return;
    this.exporting = this.drain().finally(() => (this.exporting = undefined));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue.splice(0, this.opts.maxBatchSize);
      await this.exportWithRetries(batch);
      // Less than a full batch left: wait for the timer (spans are sent at most scheduleDelay late).
      if (this.queue.length < this.opts.maxBatchSize) return;
    }
  }

  private async exportWithRetries(batch: FinishedSpan[]): Promise<void> {
    const maxAttempts = this.opts.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      let outcome: Awaited<ReturnType<OtlpExporter['send']>>;
      try {
        outcome = await this.send(batch);
      } catch (err) {
        countExportFailure((err as Error).name === 'TimeoutError' ? 'timeout' : 'network');
        outcome = { retryAfterMs: undefined, why: (err as Error).message };
      }
      if (outcome === 'ok' || outcome === 'final') return;
      if (attempt >= maxAttempts || this.closed) {
        countDroppedSpans('export_failed', batch.length);
        this.warn(`OTLP export failed ${attempt} times (${outcome.why}): ${batch.length} spans dropped`);
        return;
      }
      const backoff = (this.opts.backoffMs ?? 1_000) * 2 ** (attempt - 1);
      const delay = Math.min(outcome.retryAfterMs ?? backoff, this.opts.maxRetryAfterMs ?? 30_000);
      await sleep(delay, undefined, { ref: false });
    }
  }

  /** One POST: 'ok', 'final' (refused for good, counted), or what to wait before retrying. */
  private async send(
    batch: FinishedSpan[],
  ): Promise<'ok' | 'final' | { retryAfterMs: number | undefined; why: string }> {
    const res = await fetch(this.opts.url, {
      method: 'POST',
      headers: { ...this.opts.headers, 'content-type': 'application/json' },
      body: JSON.stringify(encodeSpans(batch, this.opts.serviceName)),
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    const text = await res.text();
    if (res.ok) {
      const rejected = rejectedSpans(text);
      countExportedSpans(batch.length - rejected);
      if (rejected > 0) {
        countDroppedSpans('rejected', rejected);
        this.warn(`OTLP collector rejected ${rejected} of ${batch.length} spans: ${text.slice(0, 200)}`);
      }
      return 'ok';
    }
    countExportFailure(String(res.status));
    if (RETRYABLE.has(res.status)) {
      return { retryAfterMs: retryAfterMs(res.headers.get('retry-after')), why: `HTTP ${res.status}` };
    }
    countDroppedSpans('export_failed', batch.length);
    this.warn(
      `OTLP collector refused a batch (HTTP ${res.status}): ${batch.length} spans dropped: ${text.slice(0, 200)}`,
    );
    return 'final';
  }

  /** At most one warning a minute: a collector that is down must not flood the service's log. */
  private warn(msg: string): void {
    const now = Date.now();
    if (now - this.warnedAt < 60_000) return;
    this.warnedAt = now;
    this.opts.logger?.warn({ url: this.opts.url }, msg);
  }
}

/** partialSuccess.rejectedSpans of a 200 answer (int64: a string or a number in JSON), else 0. */
function rejectedSpans(body: string): number {
  if (body === '') return 0;
  try {
    const parsed = JSON.parse(body) as { partialSuccess?: { rejectedSpans?: string | number } };
    const n = Number(parsed.partialSuccess?.rejectedSpans ?? 0);
    return Number.isFinite(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
