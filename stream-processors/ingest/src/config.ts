import {
  baseServiceConfig,
  boolFromEnv,
  kafkaConfig,
  schemaRegistryConfig,
  signingMasterKeys,
} from '@retail-stream/runtime';
import { TOPICS } from '@retail-stream/schemas';
import { z } from 'zod';

const topic = (def: string) => z.string().min(1).default(def);
const int = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);

/** Everything the ingest processor reads from the environment, parsed once in main.ts. */
export const ingestConfig = baseServiceConfig
  .extend(kafkaConfig.shape)
  .extend(schemaRegistryConfig.shape)
  .extend({
    /**
     * Versioned signing master keys, `v2:<secret>,v1:<secret>` (runtime/src/store-signature.ts):
     * raw records signed with a store key derived from any of them pass. Required: an unsigned or
     * wrongly signed record is dead-lettered BAD_SIGNATURE.
     */
    SIGNING_MASTER_KEYS: signingMasterKeys,
    INGEST_GROUP_ID: z.string().min(1).default('ingest-processor'),
    INGEST_INPUT_TOPIC: topic(TOPICS.posEvents),
    INGEST_OUTPUT_TOPIC: topic(TOPICS.enrichedEvents),
    INGEST_DLQ_TOPIC: topic(TOPICS.deadLetters),
    INGEST_ALERTS_TOPIC: topic(TOPICS.opsAlerts),
    /** Compacted changelog of the per-store dedup state, key store_id, partition = input partition. */
    INGEST_STATE_TOPIC: topic('retail.ingest.dedup-state'),
    /**
     * Every duplicate ingest drops (original record + where it was), so `retail trace` can say
     * "duplicate at raw p/o" without scanning the raw topic. Empty: duplicates are only counted.
     */
    INGEST_DUPLICATES_TOPIC: z.string().default(TOPICS.ingestDuplicates),
    INGEST_REF_STORES_TOPIC: topic(TOPICS.refStores),
    INGEST_REF_PRODUCTS_TOPIC: topic(TOPICS.refProducts),
    /** Compacted, key store_id: the epoch an operator started per store (`retail store epoch`). */
    INGEST_STORE_EPOCHS_TOPIC: topic(TOPICS.storeEpochs),
    /** Partitions for topics this service creates when they are missing (the state topic copies the input's). */
    INGEST_TOPIC_PARTITIONS: int(6),
    /** `occurred_at` may be at most this far in the future (store clock drift) before BUSINESS_INVALID. */
    INGEST_MAX_FUTURE_SKEW_MS: int(5 * 60_000, 0),
    /**
     * An event whose `occurred_at` is older than this is dead-lettered EVENT_TOO_OLD (a replay of
     * old sales into today's figures). 30 days by default: longer than a store is expected to stay
     * offline and keep its outbox, so real backlogs pass; a backfill of older data raises it for the
     * run. 0 turns the check off.
     */
    INGEST_MAX_EVENT_AGE_MS: int(30 * 86_400_000, 0),
    /** A store_seq gap open longer than this raises the gap gauge and an OPEN alert record. */
    INGEST_GAP_ALERT_AFTER_MS: int(60_000, 0),
    /** Sequences per store accepted above the contiguous mark; a record further above is held (DLQ). */
    INGEST_DEDUP_WINDOW: int(10_000),
    /** Register the catalogue at startup (demos, dev) instead of only looking its ids up. */
    INGEST_REGISTER_SCHEMAS: boolFromEnv.default(false),
    INGEST_REGISTRY_TIMEOUT_MS: int(5_000),
    /** Enriched bytes = raw body + Enrichment when the writer schema is current (see enriched-encoder.ts). */
    INGEST_FAST_ENCODE: boolFromEnv.default(true),
    /**
     * Input partitions with a transaction in flight at once (each has its own producer). A batch's
     * time is mostly waits on the broker (retail_ingest_batch_phase_seconds), so more would seem to
     * help latency; measured back to back in bench:e2e at 200 sales/s, 6 did not beat 2 (raw →
     * enriched p50 1.6–2.4 s against 2.0–2.2 s) and cost ~15 % more CPU per event
     * (docs/BENCHMARKS.md, 2026-12-06 evening).
     */
    INGEST_PARTITIONS_CONCURRENTLY: int(2),
    /**
     * Fetch size per input partition, so one transaction's input. A fetch response (at most 6 × this
     * for six partitions, or 10 MiB) stays in memory until its last record is handled: 1 MiB peaked
     * at 175–182 MiB RSS against 206–213 MiB for 4 MiB, at the same CPU per event (bench:ingest,
     * docs/BENCHMARKS.md 2026-12-08), which is what lets ingest meet its 200 MB goal.
     */
    INGEST_MAX_BYTES_PER_PARTITION: int(1024 * 1024, 1024),
    /** Upper bound of one produce request; below the broker's message.max.bytes (1 MiB by default). */
    INGEST_MAX_REQUEST_BYTES: int(900_000, 16_384),
    INGEST_SESSION_TIMEOUT_MS: int(30_000, 6_000),
    INGEST_TRANSACTION_TIMEOUT_MS: int(60_000, 1_000),
    /** Readiness waits this long for reference data and the dedup changelog to be read to their end. */
    INGEST_CATCH_UP_TIMEOUT_MS: int(120_000),
  });

export type IngestConfig = z.infer<typeof ingestConfig>;
