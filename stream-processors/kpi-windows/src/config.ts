import {
  baseServiceConfig,
  boolFromEnv,
  DEFAULT_STORE_TIMEZONE,
  kafkaConfig,
  schemaRegistryConfig,
  storeZoneConfig,
  timeZoneSetting,
} from '@retail-stream/runtime';
import { TOPICS } from '@retail-stream/schemas';
import { z } from 'zod';

const ms = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);

/** Everything the KPI windows service reads from the environment, parsed once in main.ts. */
export const kpiConfig = baseServiceConfig
  .extend(kafkaConfig.shape)
  .extend(schemaRegistryConfig.shape)
  .extend(storeZoneConfig.shape)
  .extend({
    /** stores: stage 1 only; chain: stage 2 only; all: both in one process (the default). */
    KPI_STAGE: z.enum(['all', 'stores', 'chain']).default('all'),
    KPI_INPUT_TOPIC: z.string().min(1).default(TOPICS.enrichedEvents),
    KPI_OUTPUT_TOPIC: z.string().min(1).default(TOPICS.kpiWindows),
    /** Internal, single partition, compacted: store-window revisions for the chain stage. */
    KPI_STORE_WINDOWS_TOPIC: z.string().min(1).default(TOPICS.kpiStoreWindows),
    /** Internal, compacted, one partition per input partition: the stage-1 state. */
    KPI_CHANGELOG_TOPIC: z.string().min(1).default(TOPICS.kpiChangelog),
    /** Late events (corrections path): the enriched record as it was, plus kpi.late.* headers. */
    KPI_LATE_TOPIC: z.string().min(1).default(TOPICS.kpiLate),
    KPI_DLQ_TOPIC: z.string().min(1).default(TOPICS.deadLetters),
    KPI_GROUP_ID: z.string().min(1).default('kpi-windows'),
    KPI_CHAIN_GROUP_ID: z.string().min(1).default('kpi-windows-chain'),
    /** Input partitions handled at the same time (each has its own producer and transactions). */
    KPI_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(4),
    /** A crashed instance's partitions move after this (kafkajs consumer session timeout). */
    KPI_SESSION_TIMEOUT_MS: ms(30_000, 6_000),
    KPI_ALLOWED_LATENESS_MS: ms(10 * 60_000, 0),
    /** At most one non-final update per window per interval (the final one is never delayed). */
    KPI_EMIT_INTERVAL_MS: ms(1_000, 0),
    /** Final windows stay in state (taking corrections in place) this long past lateness. */
    KPI_EVICT_GRACE_MS: ms(60 * 60_000, 0),
    /** How often pending (throttled) updates are looked at. */
    KPI_FLUSH_TICK_MS: ms(250, 10),
    KPI_CHAIN_TIMEZONE: timeZoneSetting(DEFAULT_STORE_TIMEZONE),
    /** Currency of windows without money events, and the only currency summed chain-wide. */
    KPI_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code')
      .default('VND'),
    KPI_CHAIN_MINUTE_RETENTION_MS: ms(2 * 3_600_000),
    KPI_CHAIN_RETENTION_MS: ms(26 * 3_600_000),
    /** Partitions of the output topics when this service creates them (changelog: as many as the input). */
    KPI_OUTPUT_PARTITIONS: z.coerce.number().int().min(1).max(1_000).default(6),
    KPI_CREATE_TOPICS: boolFromEnv.default(true),
    /** Register the catalogue at startup (dev boxes, tests); normally CI/deploy registers. */
    KPI_REGISTER_SCHEMAS: boolFromEnv.default(false),
    /** Input bytes per partition fetch: one transaction per fetched batch, so larger is faster. */
    KPI_MAX_BYTES_PER_PARTITION: z.coerce
      .number()
      .int()
      .min(65_536)
      .default(4 * 1024 * 1024),
  });

export type KpiConfig = z.infer<typeof kpiConfig>;
