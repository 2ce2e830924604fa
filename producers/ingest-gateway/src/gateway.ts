import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppError,
  AvroSerde,
  createKafka,
  errorCode,
  type Logger,
  type ServiceRuntime,
} from '@retail-stream/runtime';
import { lookupAll, registerAll, type RegisterOptions } from '@retail-stream/schemas';
import type { Router } from 'express';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { findKey } from './api-keys.ts';
import type { GatewayConfig } from './config.ts';
import { gatewayPool, prepareDatabase } from './db.ts';
import { createGatewayMetrics } from './gateway-metrics.ts';
import { IngestService } from './ingest-service.ts';
import { ingestionRoutes } from './ingestion-routes.ts';
import { KafkaSink } from './kafka-sink.ts';
import { StoreSigner } from './store-signer.ts';
import { KeyAuthenticator } from './key-auth.ts';

export interface IngestGatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  metrics: ServiceRuntime['metrics'];
  /** Aborts the startup waits (database, registry) on shutdown. */
  signal?: AbortSignal;
  /** Tests: a Kafka client of their own. */
  kafka?: Kafka;
}

export interface IngestGateway {
  /** The ingestion API; mount it on the app that serves /metrics, /healthz and /readyz. */
  router: Router;
  pool: pg.Pool;
  auth: KeyAuthenticator;
  sink: KafkaSink;
  /**
   * Migrates the database, loads the catalogue's schema ids and connects the producer, waiting
   * (with backoff, abortable) for a database or registry that is not up yet. Until it resolves
   * the API answers 503 (retriable).
   */
  start(): Promise<void>;
  /** For /readyz: started, database answers, producer connected. */
  readiness(): Promise<true | string>;
  /** After in-flight requests finished: the producer (its send in flight first), then the pool. */
  close(): Promise<void>;
}

/** Builds the gateway without touching the network yet; main.ts serves it, then calls start(). */
export function createIngestGateway(deps: IngestGatewayDeps): IngestGateway {
  const { config, logger } = deps;
  const metrics = createGatewayMetrics(deps.metrics);
  const pool = gatewayPool(config.PG_URL, config.GATEWAY_PG_SCHEMA, {
    max: config.PG_POOL_MAX,
    connectionTimeoutMillis: config.GATEWAY_PG_CONNECT_TIMEOUT_MS,
  });
  pool.on('error', (err) => logger.warn({ err }, 'idle database connection failed'));

  const serde = AvroSerde.fromConfig(config);
  let schemaIds: Record<string, number> | undefined;
  const sink = new KafkaSink({
    kafka: deps.kafka ?? createKafka(config, 'ingest-gateway', logger),
    topic: config.GATEWAY_TOPIC,
    sendRetries: config.GATEWAY_KAFKA_SEND_RETRIES,
    logger: logger.child({ component: 'kafka-sink' }),
  });
  const auth = new KeyAuthenticator((keyId) => findKey(pool, keyId), {
    ttlMs: config.GATEWAY_KEY_CACHE_TTL_MS,
    maxEntries: config.GATEWAY_KEY_CACHE_MAX,
  });
  const ingest = new IngestService({
    pool,
    sink,
    serde,
    schemaIdOf: (eventType) => schemaIds?.[eventType],
    lockTimeoutMs: config.GATEWAY_LOCK_TIMEOUT_MS,
    logger,
    signer: new StoreSigner(config.SIGNING_MASTER_KEYS),
  });

  let phase: string | undefined = 'starting: database migrations';
  const router = ingestionRoutes({
    auth,
    ingest,
    metrics,
    logger,
    maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
    maxEvents: config.GATEWAY_MAX_EVENTS,
    // Requests arriving on kept-alive connections after SIGTERM are refused (retriable) rather than started.
    notReady: () => (deps.signal?.aborted ? 'shutting down' : phase),
  });

  return {
    router,
    pool,
    auth,
    sink,
    async start() {
      await untilDone('database', deps.signal, logger, async () => {
        await prepareDatabase(pool, config.GATEWAY_PG_SCHEMA, logger);
      });
      phase = 'starting: schema ids';
      schemaIds = await untilDone('schema registry', deps.signal, logger, () => {
        const opts: RegisterOptions = {
          registryUrl: config.SCHEMA_REGISTRY_URL,
          fetch: (input, init) =>
            fetch(input, { ...init, signal: AbortSignal.timeout(config.GATEWAY_REGISTRY_TIMEOUT_MS) }),
        };
        return config.GATEWAY_REGISTER_SCHEMAS ? registerAll(serde, opts) : lookupAll(opts);
      });
      phase = 'starting: kafka producer';
      await sink.start();
      phase = undefined;
      logger.info(
        {
          topic: config.GATEWAY_TOPIC,
          schema: config.GATEWAY_PG_SCHEMA,
          max_events: config.GATEWAY_MAX_EVENTS,
          max_body_bytes: config.GATEWAY_MAX_BODY_BYTES,
        },
        'ingest gateway ready',
      );
    },
    async readiness() {
      if (phase !== undefined) return phase;
      const problems: string[] = [];
      await pool
        .query('SELECT 1')
        .catch((err: unknown) => problems.push(`database: ${(err as Error).message}`));
      const kafka = sink.readiness();
      if (kafka !== true) problems.push(kafka);
      return problems.length === 0 ? true : problems.join('; ');
    },
    async close() {
      phase = 'shutting down';
      await sink.close();
      await pool.end();
    },
  };
}

/**
 * Runs fn until it succeeds: a dependency that is not up yet (box boot order) is waited for, not
 * crash-looped on. Migration problems are not waited for: the code and the database disagree.
 */
async function untilDone<T>(
  what: string,
  signal: AbortSignal | undefined,
  logger: Logger,
  fn: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (signal?.aborted || (err instanceof AppError && err.code.startsWith('MIGRATION_'))) throw err;
      const delayMs = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
      logger.warn(
        { err, code: errorCode(err), attempt, retry_in_ms: delayMs },
        `${what} not ready; retrying`,
      );
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) throw err;
    }
  }
}
