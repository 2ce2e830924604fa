import { baseServiceConfig, csv, PG_SCHEMA_NAME } from '@retail-stream/runtime';
import { sinkServiceConfig } from '@retail-stream/runtime/sink-kit';
import { TOPICS } from '@retail-stream/schemas';
import { z } from 'zod';

/** The HQ database: the sink's tables live in their own schema there (see src/db.ts). */
export const databaseConfig = z.object({
  /** Defaults to the local stack's HQ database (`npm run infra:up`), like KAFKA_BROKERS does. */
  PG_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
    .default('postgres://retail@127.0.0.1:55432/retail_hq'),
  HQ_PG_SCHEMA: z.string().regex(PG_SCHEMA_NAME, 'lower-case letters, digits and _').default('hq'),
  PG_POOL_MAX: z.coerce.number().int().min(1).max(100).default(6),
  /** Waiting longer than this for a connection is a (retriable) outage. */
  PG_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** A batch statement running longer than this is cancelled and retried (a stuck database). */
  PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
});

/** Everything the sink reads from the environment, parsed once in main.ts. */
export const sinkConfig = sinkServiceConfig(databaseConfig, {
  name: 'postgres-sink',
  topics: { SINK_EVENTS_TOPIC: TOPICS.enrichedEvents, SINK_KPI_TOPIC: TOPICS.kpiWindows },
  dlqTopic: TOPICS.deadLetters,
  // Each partition's batch is one Postgres transaction on its own connection.
  partitionsConcurrently: 4,
  maxBytesPerPartition: 8 * 1024 * 1024,
  retryMaxMs: 30_000,
}).extend({
  /**
   * How a batch's rows are sent: COPY into session staging tables, then one set-based merge per
   * table (copy, the fastest: docs/BENCHMARKS.md); or one statement per table with the rows as
   * one JSON array parameter (json_to_recordset) or one array parameter per column (UNNEST).
   */
  SINK_INSERT_METHOD: z.enum(['copy', 'json', 'unnest']).default('copy'),
});

export type SinkConfig = z.infer<typeof sinkConfig>;
export type DatabaseConfig = z.infer<typeof databaseConfig>;

const sha256Hex = /^[0-9a-f]{64}$/;

/** The reports API (src/reports-main.ts). */
export const reportsConfig = baseServiceConfig.extend(databaseConfig.shape).extend({
  /** API, /metrics, /healthz and /readyz on one port. */
  REPORTS_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  /** SHA-256 (lower-case hex) of each accepted bearer token; the tokens themselves never appear in config. */
  REPORTS_API_TOKEN_SHA256: csv.pipe(
    z.array(z.string().regex(sha256Hex, 'lower-case hex SHA-256 (64 characters)')),
  ),
  REPORTS_MAX_RANGE_DAYS: z.coerce.number().int().min(1).max(3660).default(92),
});

export type ReportsConfig = z.infer<typeof reportsConfig>;
