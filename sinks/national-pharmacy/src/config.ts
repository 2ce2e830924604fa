import { PG_SCHEMA_NAME } from '@retail-stream/runtime';
import { sinkServiceConfig } from '@retail-stream/runtime/sink-kit';
import { TOPICS } from '@retail-stream/schemas';
import { z } from 'zod';

/** Where the documents and their attempts live: a schema of the HQ database (see src/db.ts). */
export const syncDatabaseConfig = z.object({
  PG_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
    .default('postgres://retail@127.0.0.1:55432/retail_hq'),
  NATIONAL_SYNC_PG_SCHEMA: z
    .string()
    .regex(PG_SCHEMA_NAME, 'lower-case letters, digits and _')
    .default('national_sync'),
  PG_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  PG_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

const positiveMs = z.coerce.number().int().positive();

/** The authority, the accounts and the queues' tuning (everything the workers read). */
export const syncWorkerConfig = z.object({
  /** Base URL of the national pharmacy database (the mock in tests and the demo). */
  NATIONAL_SYNC_BASE_URL: z.url(),
  /** JSON secrets file: `{"<ma_co_so>": {"usr","pwd"}}` or `[{"ma_co_so","usr","pwd"}]`. */
  NATIONAL_SYNC_ACCOUNTS_FILE: z.string().min(1).optional(),
  /** The same JSON inline (for a secret injected as an environment variable). */
  NATIONAL_SYNC_ACCOUNTS: z.string().min(2).optional(),
  /** Requests in flight at once per flow (sale: hoa_don; import: phieu_nhap; cancellation: phieu_xuat and voids). */
  NATIONAL_SYNC_SALE_CONCURRENCY: z.coerce.number().int().min(0).max(256).default(32),
  NATIONAL_SYNC_IMPORT_CONCURRENCY: z.coerce.number().int().min(0).max(256).default(4),
  NATIONAL_SYNC_CANCELLATION_CONCURRENCY: z.coerce.number().int().min(0).max(256).default(4),
  /** Requests per second per account (token bucket, burst of one second's worth). */
  NATIONAL_SYNC_RATE_PER_ACCOUNT: z.coerce.number().positive().max(10_000).default(50),
  NATIONAL_SYNC_REQUEST_TIMEOUT_MS: positiveMs.default(10_000),
  /**
   * After a send whose outcome is unknown (no answer, reset, 5xx), the read-back waits at least
   * this long. The authority may still be processing a request we gave up on; a read-back before it
   * lands finds nothing, the resend then reaches the authority a second time (refused as a
   * duplicate at best). The API offers no idempotency key, so time is the only fence: longer than
   * the authority's own gateway timeout.
   */
  NATIONAL_SYNC_UNKNOWN_OUTCOME_GRACE_MS: z.coerce.number().int().min(0).default(60_000),
  /** Attempts (sends) before a document that keeps failing retriably is SYNC_FAILED. */
  NATIONAL_SYNC_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(12),
  NATIONAL_SYNC_RETRY_INITIAL_MS: positiveMs.default(500),
  NATIONAL_SYNC_RETRY_MAX_MS: positiveMs.default(60_000),
  /** A leased (IN_FLIGHT) document whose worker died is handed out again after this. */
  NATIONAL_SYNC_LEASE_MS: positiveMs.default(60_000),
  /** Sweeper: expired leases, the status gauges, the accounts file re-read, the pending alert. */
  NATIONAL_SYNC_SWEEP_INTERVAL_MS: positiveMs.default(5_000),
  /** How often an idle flow looks for due documents (new ones wake it at once in-process). */
  NATIONAL_SYNC_POLL_MS: positiveMs.default(500),
  /** A document pending longer than this is logged as an alert and counted in the gauge. */
  NATIONAL_SYNC_PENDING_ALERT_MS: positiveMs.default(15 * 60_000),
});

/** Everything the sync service reads from the environment, parsed once in main.ts. */
export const nationalSyncConfig = sinkServiceConfig(syncDatabaseConfig, {
  name: 'national-pharmacy-sync',
  topics: { SINK_EVENTS_TOPIC: TOPICS.enrichedEvents },
  dlqTopic: TOPICS.deadLetters,
  partitionsConcurrently: 4,
  maxBytesPerPartition: 2 * 1024 * 1024,
  retryMaxMs: 30_000,
}).extend(syncWorkerConfig.shape);

export type SyncDatabaseConfig = z.infer<typeof syncDatabaseConfig>;
export type SyncWorkerConfig = z.infer<typeof syncWorkerConfig>;
export type NationalSyncConfig = z.infer<typeof nationalSyncConfig>;
