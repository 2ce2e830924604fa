import {
  baseServiceConfig,
  boolFromEnv,
  kafkaConfig,
  PG_SCHEMA_NAME,
  schemaRegistryConfig,
  signingMasterKeys,
} from '@retail-stream/runtime';
import { TOPICS } from '@retail-stream/schemas';
import { z } from 'zod';

const ms = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);

/** The HQ database: the gateway's tables live in their own schema there (see src/db.ts). */
export const databaseConfig = z.object({
  PG_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'),
  GATEWAY_PG_SCHEMA: z
    .string()
    .regex(PG_SCHEMA_NAME, 'lower-case letters, digits and _')
    .default('ingest_gateway'),
});

/**
 * Everything the gateway reads from the environment, parsed once in main.ts. Limits are the
 * contract with store relays (the relay's HTTP publisher splits its batches to stay within them).
 */
export const gatewayConfig = baseServiceConfig
  .extend(kafkaConfig.shape)
  .extend(schemaRegistryConfig.shape)
  .extend(databaseConfig.shape)
  .extend({
    /** API, /metrics, /healthz and /readyz on one port. */
    PORT: z.coerce.number().int().min(0).max(65535).default(8090),
    PG_POOL_MAX: z.coerce.number().int().min(2).max(200).default(20),
    GATEWAY_TOPIC: z.string().min(1).default(TOPICS.posEvents),
    /**
     * Versioned signing master keys, `v2:<secret>,v1:<secret>` (same setting as ingest): the gateway
     * signs each store's records with that store's key derived from the first (current) one.
     */
    SIGNING_MASTER_KEYS: signingMasterKeys,
    /** Request body limit in bytes (413 above it). */
    GATEWAY_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(1_048_576),
    /** Events per request (413 above it). */
    GATEWAY_MAX_EVENTS: z.coerce.number().int().min(1).max(10_000).default(500),
    /** How long an API key lookup is cached; a revocation takes effect within this. */
    GATEWAY_KEY_CACHE_TTL_MS: ms(30_000, 0),
    /** Upper bound of cached key lookups (misses included), so garbage keys cannot grow memory. */
    GATEWAY_KEY_CACHE_MAX: z.coerce.number().int().min(1).default(10_000),
    /** A request waiting this long for its store's cursor (another request of the store in flight) gets 503. */
    GATEWAY_LOCK_TIMEOUT_MS: ms(15_000),
    /** Waiting for a pooled database connection longer than this gets 503. */
    GATEWAY_PG_CONNECT_TIMEOUT_MS: ms(5_000),
    /** kafkajs retries inside one send; the store relay's backoff is the outer retry. */
    GATEWAY_KAFKA_SEND_RETRIES: z.coerce.number().int().min(0).max(20).default(2),
    /** Registry lookups of the catalogue's schema ids at start give up (and retry) after this. */
    GATEWAY_REGISTRY_TIMEOUT_MS: ms(5_000),
    /**
     * Register the catalogue at startup instead of only looking it up. Registration normally
     * belongs to CI/deploy (`npm run register -w @retail-stream/schemas`); this is for demos.
     */
    GATEWAY_REGISTER_SCHEMAS: boolFromEnv.default(false),
  });

export type GatewayConfig = z.infer<typeof gatewayConfig>;
export type DatabaseConfig = z.infer<typeof databaseConfig>;
