import {
  baseServiceConfig,
  boolFromEnv,
  kafkaConfig,
  schemaRegistryConfig,
  storeSigningKey,
} from '@retail-stream/runtime';
import { TOPICS } from '@retail-stream/schemas';
import { z } from 'zod';
import { STORE_ID } from '@retail-stream/schemas';

const ms = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);
/** A size in bytes between the bounds the other side (broker, gateway) accepts. */
const bytes = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

/**
 * Everything the relay reads from the environment, parsed once in main.ts. Defaults suit one store
 * edge box; tests shrink the intervals.
 */
export const relayConfig = baseServiceConfig
  .extend(kafkaConfig.shape)
  .extend(schemaRegistryConfig.shape)
  .extend({
    STORE_ID: z.string().regex(STORE_ID, 'lower-case letters, digits and _, at most 31 characters'),
    /** Same admin URL as the store edge; the relay uses database store_<STORE_ID> on that server. */
    PG_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'),
    PG_POOL_MAX: z.coerce.number().int().min(2).max(20).default(4),
    /** kafka: straight to the brokers. http: through the ingest gateway (publisher not built yet). */
    RELAY_SYNC_PROTOCOL: z.enum(['kafka', 'http']).default('kafka'),
    RELAY_TOPIC: z.string().min(1).default(TOPICS.posEvents),
    /**
     * This store's signing key, `<version>:<key>` as `retail keys derive --store <id>` prints it;
     * every record sent to Kafka is signed with it (ingest dead-letters unsigned ones). Required
     * for RELAY_SYNC_PROTOCOL=kafka; over http the gateway signs after checking the store's API key.
     */
    RELAY_SIGNING_KEY: storeSigningKey.optional(),
    /** Rows read (and published) per batch. */
    RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(20_000).default(2_000),
    /**
     * Stored payload bytes per read (pg_column_size, so compressed for large jsonb): with
     * RELAY_BATCH_SIZE rows of large events a read could otherwise hold hundreds of MiB, which a
     * capped heap (--max-old-space-size) turns into a crash loop. One row always passes.
     */
    RELAY_BATCH_MAX_BYTES: bytes(4 * 1024 * 1024, 16_384, 256 * 1024 * 1024),
    /** Upper bound of one produce request; below the broker's message.max.bytes (1 MiB by default). */
    RELAY_MAX_REQUEST_BYTES: bytes(900_000, 16_384, 64 * 1024 * 1024),
    /** How often to look for rows when no NOTIFY arrives (NOTIFY wakes the relay at once). */
    RELAY_POLL_INTERVAL_MS: ms(1_000),
    RELAY_BACKOFF_INITIAL_MS: ms(200),
    RELAY_BACKOFF_MAX_MS: ms(30_000),
    RELAY_BACKOFF_JITTER: z.coerce.number().min(0).max(1).default(0.5),
    /** kafkajs retries inside one send (the relay's own backoff is the outer retry). */
    RELAY_KAFKA_SEND_RETRIES: z.coerce.number().int().min(1).max(20).default(3),
    /** Health loop: heartbeat to relay_status, backlog gauges, and a probe when nothing was published. */
    RELAY_HEALTH_INTERVAL_MS: ms(5_000),
    RELAY_PROBE_TIMEOUT_MS: ms(3_000),
    /** Consecutive failed publishes/probes before the store is reported OFFLINE. */
    RELAY_OFFLINE_AFTER_FAILURES: z.coerce.number().int().min(1).default(3),
    /** Standby instances try to take the store's lease this often. */
    RELAY_LEASE_RETRY_MS: ms(1_000),
    /** A store stopped by a row that cannot be published (not encodable, too large) re-checks that row this often. */
    RELAY_BLOCKED_RECHECK_MS: ms(30_000),
    /** Published rows older than this are deleted (the outbox is not an archive; Kafka is). */
    RELAY_RETENTION_AGE_S: z.coerce
      .number()
      .int()
      .min(0)
      .default(7 * 24 * 3600),
    RELAY_RETENTION_INTERVAL_S: z.coerce.number().int().min(1).default(300),
    RELAY_RETENTION_BATCH: z.coerce.number().int().min(1).max(50_000).default(1_000),
    /** Registry lookups (ids of the catalogue's schemas) give up after this. */
    RELAY_REGISTRY_TIMEOUT_MS: ms(5_000),
    /**
     * Register the catalogue at startup instead of only looking it up. Registration normally belongs
     * to CI/deploy (`npm run register -w @retail-stream/schemas`); this is for demos and dev boxes.
     */
    RELAY_REGISTER_SCHEMAS: boolFromEnv.default(false),
    /** RELAY_SYNC_PROTOCOL=http: the ingest gateway's base URL (events go to <url>/v1/ingestion/events). */
    RELAY_HTTP_URL: z.url().optional(),
    /** RELAY_SYNC_PROTOCOL=http: the store's API key, issued once by the gateway's keys CLI. */
    RELAY_HTTP_API_KEY: z
      .string()
      .regex(
        /^rsk_[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/,
        'rsk_<key_id>.<secret> as printed by the gateway keys CLI',
      )
      .optional(),
    /** Per gateway request; a timed-out request is simply resent (answered `duplicate` for what got in). */
    RELAY_HTTP_TIMEOUT_MS: ms(30_000),
    /** The gateway's limits (GATEWAY_MAX_EVENTS, GATEWAY_MAX_BODY_BYTES): batches are split to fit. */
    RELAY_HTTP_MAX_EVENTS: z.coerce.number().int().min(1).max(10_000).default(500),
    RELAY_HTTP_MAX_BODY_BYTES: bytes(1_048_576, 1024, 16 * 1024 * 1024),
  })
  .superRefine((c, ctx) => {
    if (c.RELAY_SYNC_PROTOCOL === 'kafka' && !c.RELAY_SIGNING_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['RELAY_SIGNING_KEY'],
        message: 'required when RELAY_SYNC_PROTOCOL=kafka (retail keys derive --store <id>)',
      });
    }
    if (c.RELAY_SYNC_PROTOCOL !== 'http') return;
    for (const key of ['RELAY_HTTP_URL', 'RELAY_HTTP_API_KEY'] as const) {
      if (!c[key])
        ctx.addIssue({ code: 'custom', path: [key], message: 'required when RELAY_SYNC_PROTOCOL=http' });
    }
  });

export type RelayConfig = z.infer<typeof relayConfig>;
