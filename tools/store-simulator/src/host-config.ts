import {
  baseServiceConfig,
  boolFromEnv,
  csv,
  kafkaConfig,
  schemaRegistryConfig,
  signingMasterKeys,
  tokenHashList,
} from '@retail-stream/runtime';
import { TOPICS } from '@retail-stream/schemas';
import { STORE_ID } from '@retail-stream/schemas';
import { z } from 'zod';

/**
 * The multi-store host: N store edges and their relays in one process. Secrets come from the
 * environment (the demo generates them per run); store-level settings are handed to the real
 * store-edge and relay config parsers, so their validation and defaults apply unchanged.
 */
export const hostConfig = baseServiceConfig
  .extend(kafkaConfig.shape)
  .extend(schemaRegistryConfig.shape)
  .extend({
    /** Explicit store ids (comma list); when unset, STORE_COUNT stores STORE_PREFIX001… */
    STORES: csv.pipe(z.array(z.string().regex(STORE_ID, 'a store id like s001'))).optional(),
    STORE_COUNT: z.coerce.number().int().min(1).max(200).default(5),
    STORE_PREFIX: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,20}$/)
      .default('s'),
    /** Store i (0-based) serves its POS API on BASE_PORT + i; 0 picks free ports (tests). */
    STORE_BASE_PORT: z.coerce.number().int().min(0).max(65_000).default(18_100),
    /** Tills per store (T01…); each gets a token derived from TERMINAL_TOKEN_SECRET. */
    TERMINALS_PER_STORE: z.coerce.number().int().min(1).max(50).default(3),
    TERMINAL_TOKEN_SECRET: z.string().min(32, 'at least 32 characters'),
    CUSTOMER_HMAC_KEY: z.string().min(32, 'at least 32 characters'),
    QR_CALLBACK_SECRET: z.string().min(16, 'at least 16 characters'),
    PG_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'),
    /**
     * sha256 hex of the bearer token(s) the control API (/control/*) requires; several allow a
     * rotation overlap. Required when HTTP_HOST is not loopback (the host refuses to start).
     */
    STORE_HOST_CONTROL_TOKEN_SHA256: tokenHashList.optional(),
    /**
     * sha256 hex of the read-only monitor token(s) every store edge accepts on GET /v1/sync/status
     * only (EDGE_MONITOR_TOKENS): the HQ dashboard's STORE_EDGE_MONITOR_TOKEN.
     */
    STORE_MONITOR_TOKEN_SHA256: tokenHashList.optional(),
    /** Per store: the edge's pool and the relay's pool (plus one lease session); 20 stores ≈ 7 × 20 connections. */
    EDGE_PG_POOL_MAX: z.coerce.number().int().min(2).max(50).default(4),
    RELAY_PG_POOL_MAX: z.coerce.number().int().min(2).max(20).default(2),
    RELAY_TOPIC: z.string().min(1).default(TOPICS.posEvents),
    /**
     * HQ's signing master keys (as ingest's SIGNING_MASTER_KEYS). The host plays every store, so it
     * derives each store's RELAY_SIGNING_KEY itself; a real store gets only its own derived key
     * (`retail keys derive --store <id>`).
     */
    SIGNING_MASTER_KEYS: signingMasterKeys,
    RELAY_REGISTER_SCHEMAS: boolFromEnv.default(false),
    /** Short for a demo: a store coming back online drains within seconds. */
    RELAY_BACKOFF_MAX_MS: z.coerce.number().int().min(100).default(5_000),
    RELAY_HEALTH_INTERVAL_MS: z.coerce.number().int().min(100).default(2_000),
    /** Stores started at once (each migrates its database first). */
    START_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  });

export type HostConfig = z.infer<typeof hostConfig>;
