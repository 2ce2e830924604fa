import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { Health } from './health.ts';
import { closeServer, listen } from './http-server.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetricsRegistry } from './metrics.ts';
import { bodyLimit } from './body-limit.ts';
import { mountOpsRoutes } from './ops-routes.ts';
import type { BaseServiceConfig } from './service-config.ts';
import { Shutdown } from './shutdown.ts';
import { traceRequests } from './tracing/http-trace.ts';
import { configureTracing } from './tracing/tracer.ts';

export interface ServiceRuntime {
  service: string;
  logger: Logger;
  metrics: Registry;
  health: Health;
  shutdown: Shutdown;
  /** Express app with /metrics, /healthz, /readyz already mounted; HTTP services add their API to it. */
  app: Express;
  /** Starts serving `app`; it stops accepting first on shutdown when isApi, else closes last. */
  serve(port: number, opts?: { isApi?: boolean }): Promise<number>;
}

/**
 * The common wiring of every long-running process, so a service's main.ts is only: parse config,
 * create the runtime, build the domain, register shutdown steps, start.
 */
export function createServiceRuntime(service: string, config: BaseServiceConfig): ServiceRuntime {
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const metrics = createMetricsRegistry(service);
  const health = new Health();
  const shutdown = new Shutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_S * 1000 }).install();
  shutdown.onShutdown('mark not ready', () => health.markShuttingDown(), 'stop-intake');
  // Spans recorded until the last drain step are flushed in 'close', before connections go.
  const flushSpans = configureTracing(config, logger);
  if (flushSpans) shutdown.onShutdown('flush spans', flushSpans, 'close');
  const app = express();
  app.disable('x-powered-by');
  // First, before any route or parser: a body over the limit is refused unread (body-limit.ts).
  app.use(bodyLimit(config.HTTP_MAX_BODY_BYTES, { logger }));
  // Every request in its W3C trace context (incoming traceparent or a new trace), echoed back.
  app.use(traceRequests(service));
  mountOpsRoutes(app, { metrics, health, logger });

  return {
    service,
    logger,
    metrics,
    health,
    shutdown,
    app,
    async serve(port, opts = {}) {
      const { server, port: bound } = await listen(app, port, config.HTTP_HOST);
      shutdown.onShutdown('http server', () => closeServer(server), opts.isApi ? 'stop-intake' : 'close');
      logger.info({ port: bound, host: config.HTTP_HOST }, 'http listening');
      return bound;
    },
  };
}
