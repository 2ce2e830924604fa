import type { Registry } from 'prom-client';
import {
  AppError,
  closeServer,
  createMetricsRegistry,
  Health,
  listen,
  type Logger,
} from '@retail-stream/runtime';
import { createApp, SERVICE } from './app.ts';
import type { RegistryConfig } from './config.ts';
import { openEventLog } from './persistence.ts';
import { RegistryStore } from './registry-store.ts';

export interface RunningRegistry {
  url: string;
  port: number;
  store: RegistryStore;
  /** Marks not ready, stops accepting, lets in-flight requests finish, then closes the log. Idempotent. */
  close(): Promise<void>;
}

export interface RegistryDeps {
  logger: Logger;
  metrics?: Registry;
  health?: Health;
}

/**
 * Replays the event log, then serves. main.ts and the conformance test both start the registry
 * through here, so the test exercises the real startup path, restart included.
 */
export async function startRegistry(
  config: Pick<RegistryConfig, 'port' | 'host' | 'dataDir' | 'defaultCompatibility'> &
    Partial<Pick<RegistryConfig, 'auth' | 'allowPermanentDelete'>>,
  deps: RegistryDeps,
): Promise<RunningRegistry> {
  const { logger } = deps;
  const { log, events, tornTail } = openEventLog(config.dataDir);
  if (tornTail) {
    logger.warn(
      tornTail,
      `line ${tornTail.line} of ${tornTail.file} was half-written (a crash during a write); that write was never ` +
        `acknowledged, so it was moved to ${tornTail.savedTo} and the registry starts from the lines before it`,
    );
  }
  try {
    const store = new RegistryStore({ defaultCompatibility: config.defaultCompatibility, sink: log }, events);
    logger.info({ dataDir: config.dataDir, events: events.length, ...store.stats() }, 'event log replayed');
    const health = deps.health ?? new Health();
    const metrics = deps.metrics ?? createMetricsRegistry(SERVICE, { defaultMetrics: false });
    const app = createApp({
      store,
      logger,
      metrics,
      health,
      auth: config.auth,
      allowPermanentDelete: config.allowPermanentDelete,
    });
    const { server, port } = await listen(app, config.port, config.host).catch(
      (err: NodeJS.ErrnoException) => {
        throw new AppError(
          'LISTEN_FAILED',
          `cannot listen on ${config.host}:${config.port}: ${err.message}`,
          {
            cause: err,
          },
        );
      },
    );
    let closing: Promise<void> | undefined;
    return {
      url: `http://${config.host}:${port}`,
      port,
      store,
      close() {
        health.markShuttingDown();
        closing ??= closeServer(server).finally(() => log.close());
        return closing;
      },
    };
  } catch (err) {
    log.close();
    throw err;
  }
}
