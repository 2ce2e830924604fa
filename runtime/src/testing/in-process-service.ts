import type { Registry } from 'prom-client';
import { createLogger, type Logger } from '../logger.ts';
import { createMetricsRegistry } from '../metrics.ts';
import type { RunningService } from '../running-service.ts';
import { waitFor } from './wait-for.ts';

/** What a part's `start<Part>` needs from the test, built here once for every harness. */
export interface InProcessDeps {
  logger: Logger;
  metrics: Registry;
  onFatal(err: unknown): void;
}

export interface InProcessService<S extends RunningService> {
  readonly service: S;
  readonly metrics: Registry;
  /** Errors the part reported as fatal (main.ts would exit on them). */
  readonly fatal: unknown[];
  metricsText(): Promise<string>;
  /** `stop()` then `close()`, once: a test may stop it itself, the file's teardown again. */
  stop(): Promise<void>;
}

export interface InProcessOptions {
  /** Logger service name and metrics `service` label. */
  name: string;
  /** Default 'warn'; ignored when `logger` is given. */
  logLevel?: string;
  logger?: Logger;
  /** Node's default process metrics on the registry (off by default: they only slow tests). */
  defaultMetrics?: boolean;
  /** Called after the error is recorded in `fatal` (e.g. to rethrow it). */
  onFatal?: (err: unknown) => void;
  /** Resolve only once `isReady()` (or a fatal error): the part joined its group. */
  waitReady?: boolean;
  readyTimeoutMs?: number;
}

/**
 * A long-running part in the test's own process, wired as its main.ts wires it minus the ops
 * server and signal handling: `start` gets a logger, a fresh metrics registry and an onFatal.
 */
export async function startInProcess<S extends RunningService>(
  start: (deps: InProcessDeps) => Promise<S>,
  opts: InProcessOptions,
): Promise<InProcessService<S>> {
  const logger = opts.logger ?? createLogger({ service: opts.name, level: opts.logLevel ?? 'warn' });
  const metrics = createMetricsRegistry(opts.name, { defaultMetrics: opts.defaultMetrics ?? false });
  const fatal: unknown[] = [];
  const service = await start({
    logger,
    metrics,
    onFatal: (err) => {
      fatal.push(err);
      opts.onFatal?.(err);
    },
  });
  if (opts.waitReady) {
    await waitFor(() => service.isReady() || fatal.length > 0, {
      timeoutMs: opts.readyTimeoutMs ?? 30_000,
      what: `${opts.name} to be ready`,
    });
  }
  let stopping: Promise<void> | undefined;
  return {
    service,
    metrics,
    fatal,
    metricsText: () => metrics.metrics(),
    stop: () =>
      (stopping ??= (async () => {
        await service.stop();
        await service.close();
      })()),
  };
}
