#!/usr/bin/env -S node --import tsx
/**
 * Entry point: `SCHEMA_REGISTRY_DATA_DIR=… tsx infra/schema-registry/src/main.ts`.
 * Started by `npm run infra:up` (infra/src/services/schema-registry.ts); see README.md.
 */
import { ConfigError, createLogger, createMetricsRegistry, Health, Shutdown } from '@retail-stream/runtime';
import { SERVICE } from './app.ts';
import { loadRegistryConfig, type RegistryConfig } from './config.ts';
import { startRegistry } from './server.ts';

let config: RegistryConfig;
try {
  config = loadRegistryConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${SERVICE}: ${err.message}\n`);
  process.exit(78); // EX_CONFIG
}

const logger = createLogger({ service: SERVICE, level: config.logLevel });
const shutdown = new Shutdown({ logger, timeoutMs: config.shutdownTimeoutMs }).install();
const health = new Health();
shutdown.onShutdown('mark not ready', () => health.markShuttingDown(), 'stop-intake');

try {
  const registry = await startRegistry(config, { logger, health, metrics: createMetricsRegistry(SERVICE) });
  // HTTP is the only intake. Every acknowledged write is already fsynced, so closing the server
  // (in-flight requests finish) and then the log loses nothing.
  shutdown.onShutdown('http server and event log', () => registry.close(), 'stop-intake');
  logger.info(
    {
      url: registry.url,
      defaultCompatibility: config.defaultCompatibility,
      authUsers: config.auth.users.map((u) => u.username),
      authReads: config.auth.reads,
      allowPermanentDelete: config.allowPermanentDelete,
    },
    'schema registry listening',
  );
} catch (err) {
  logger.fatal({ err }, `schema registry failed to start: ${(err as Error).message}`);
  // Runs the (harmless) hooks and flushes the log before exiting 1.
  await shutdown.trigger('startup failed', 1);
}
