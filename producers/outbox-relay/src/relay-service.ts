import { setTimeout as sleep } from 'node:timers/promises';
import {
  AvroSerde,
  errorCode,
  type Logger,
  type RunningService,
  type ServiceRuntime,
  UnknownErrorBudget,
} from '@retail-stream/runtime';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import type { RelayConfig } from './config.ts';
import { EventEncoder } from './event-encoder.ts';
import { HealthLoop } from './health-loop.ts';
import { OfflineDetector } from './offline-detector.ts';
import { Periodic } from './periodic.ts';
import { createPublisher } from './publisher-factory.ts';
import type { Publisher } from './publisher.ts';
import { OutboxRelay } from './relay-loop.ts';
import { createRelayMetrics, type RelayMetrics } from './relay-metrics.ts';
import { deletePublishedBefore } from './retention.ts';
import { SchemaIdCache } from './schema-id-cache.ts';
import { readStoreEpoch } from './store-epoch.ts';
import { StoreLease } from './store-lease.ts';
import { migrateStoreDatabase, storeDatabaseUrl } from '@retail-stream/store-edge';

export interface RelayServiceDeps {
  config: RelayConfig;
  logger: Logger;
  metrics: ServiceRuntime['metrics'];
  /** Aborts startup waits (database not reachable yet) on shutdown. */
  signal?: AbortSignal;
  /** An unknown error exhausted MAX_UNKNOWN_ERROR_RETRIES: the process stops (runService exits 1). */
  onFatal?: (err: unknown) => void;
  /** Tests: a Kafka client with a fault-injecting socket, or a whole publisher. */
  kafka?: Kafka;
  publisher?: Publisher;
}

/**
 * A running relay: RunningService (stop: stop polling and housekeeping, the batch in flight is
 * published and marked first; close: producer, lease session and pool) plus its parts for tests.
 */
export interface OutboxRelayService extends RunningService {
  relay: OutboxRelay;
  health: HealthLoop;
  metrics: RelayMetrics;
  schemaIds: SchemaIdCache;
  pool: pg.Pool;
  /** true, or why the relay is not doing its job (the readiness check's detail). */
  readiness(): true | string;
}

/**
 * Wires one store's relay from config and starts it (active, or standing by for the store's lease);
 * main.ts adds the process around it, tests and the store host use it in-process.
 */
export async function startOutboxRelay(deps: RelayServiceDeps): Promise<OutboxRelayService> {
  const { config, logger } = deps;
  const metrics = createRelayMetrics(deps.metrics);
  const storeUrl = storeDatabaseUrl(config.PG_URL, config.STORE_ID);
  const pool = new pg.Pool({
    connectionString: storeUrl,
    max: config.PG_POOL_MAX,
    application_name: 'outbox-relay',
  });
  pool.on('error', (err) => logger.warn({ err }, 'idle database connection failed'));

  // The store database may come up after the relay (box boot): wait for it rather than crash-loop.
  // The relay's tables come with the store database's migrations, which it runs too (whichever of
  // store edge and relay starts first migrates).
  const unknownErrors = new UnknownErrorBudget(config.MAX_UNKNOWN_ERROR_RETRIES, 'store database migration');
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateStoreDatabase(pool, logger);
      break;
    } catch (err) {
      // A database not up yet is waited for; a failing migration (a bug) is not retried forever.
      const exhausted = unknownErrors.record(err);
      if (deps.signal?.aborted || exhausted) {
        await pool.end();
        throw exhausted ?? err;
      }
      logger.warn({ err, code: errorCode(err), attempt }, 'store database not ready; retrying');
      await sleep(Math.min(10_000, 500 * attempt), undefined, { signal: deps.signal }).catch(() => undefined);
    }
  }

  const serde = AvroSerde.fromConfig(config);
  const schemaIds = new SchemaIdCache({
    registryUrl: config.SCHEMA_REGISTRY_URL,
    db: pool,
    serde,
    logger,
    timeoutMs: config.RELAY_REGISTRY_TIMEOUT_MS,
    register: config.RELAY_REGISTER_SCHEMAS,
  });
  await schemaIds.init();
  const storeEpoch = await readStoreEpoch(pool);

  const publisher = deps.publisher ?? createPublisher(config, logger, { kafka: deps.kafka });
  const lease = new StoreLease({
    storeId: config.STORE_ID,
    connectionString: storeUrl,
    retryMs: config.RELAY_LEASE_RETRY_MS,
    logger,
    applicationName: 'outbox-relay-lease',
  });
  const health = new HealthLoop({
    storeId: config.STORE_ID,
    pool,
    publisher,
    detector: new OfflineDetector(config.RELAY_OFFLINE_AFTER_FAILURES),
    metrics,
    logger,
    intervalMs: config.RELAY_HEALTH_INTERVAL_MS,
    probeTimeoutMs: config.RELAY_PROBE_TIMEOUT_MS,
  });
  const relay = new OutboxRelay({
    storeId: config.STORE_ID,
    lease,
    pool,
    publisher,
    encoder: new EventEncoder(config.STORE_ID, serde, schemaIds.idFor, storeEpoch),
    schemaIds,
    connectivity: health,
    metrics,
    logger,
    batch: { rows: config.RELAY_BATCH_SIZE, bytes: config.RELAY_BATCH_MAX_BYTES },
    pollIntervalMs: config.RELAY_POLL_INTERVAL_MS,
    backoff: {
      initialMs: config.RELAY_BACKOFF_INITIAL_MS,
      maxMs: config.RELAY_BACKOFF_MAX_MS,
      jitter: config.RELAY_BACKOFF_JITTER,
    },
    blockedRecheckMs: config.RELAY_BLOCKED_RECHECK_MS,
    maxUnknownErrorRetries: config.MAX_UNKNOWN_ERROR_RETRIES,
    onFatal: deps.onFatal,
  });
  health.attach(relay);

  const healthTask = new Periodic('health', config.RELAY_HEALTH_INTERVAL_MS, () => health.tick(), logger);
  const retentionTask = new Periodic(
    'retention',
    config.RELAY_RETENTION_INTERVAL_S * 1000,
    async (signal) => {
      if (!relay.active) return;
      const deleted = await deletePublishedBefore(pool, config.STORE_ID, {
        maxAgeS: config.RELAY_RETENTION_AGE_S,
        batch: config.RELAY_RETENTION_BATCH,
        signal,
      });
      if (deleted > 0) {
        metrics.retentionDeleted.inc(deleted);
        logger.info(
          { deleted, older_than_s: config.RELAY_RETENTION_AGE_S },
          'published outbox rows removed by retention',
        );
      }
    },
    logger,
  );

  const readiness = (): true | string => {
    if (!relay.active) return true; // a standby is doing its job: waiting to take over
    const stall = relay.stall;
    if (stall?.kind === 'blocked') return `store blocked at store_seq ${stall.storeSeq} (${stall.code})`;
    const status = health.currentStatus();
    if (status?.status === 'OFFLINE')
      return `destination ${publisher.destination} OFFLINE: ${status.lastError ?? ''}`;
    return true;
  };

  relay.start();
  healthTask.start();
  retentionTask.start();
  return {
    relay,
    health,
    metrics,
    schemaIds,
    pool,
    readiness,
    isReady: () => readiness() === true,
    async stop() {
      await Promise.all([relay.stop(), healthTask.stop(), retentionTask.stop()]);
    },
    async close() {
      await Promise.allSettled([publisher.close(), lease.release()]);
      await pool.end();
    },
  };
}
