import { boolFromEnv } from '@retail-stream/runtime';
import { sinkServiceConfig } from '@retail-stream/runtime/sink-kit';
import { TOPICS } from '@retail-stream/schemas';
import { z } from 'zod';

/** ClickHouse database names: letters, digits and _ only, because they are spliced into SQL text. */
export const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Connection settings the migrate CLI needs (a subset of the service's). */
export const clickhouseConfig = z.object({
  CLICKHOUSE_URL: z.url().default('http://127.0.0.1:18123'),
  CLICKHOUSE_DATABASE: z.string().regex(DATABASE_NAME, 'letters, digits and _').default('retail'),
  CLICKHOUSE_USER: z.string().min(1).optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  /** Per insert/query; a slower answer counts as ClickHouse being down (retried). */
  CLICKHOUSE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
});

/**
 * Everything the ClickHouse sink reads from the environment, parsed once in main.ts.
 */
export const sinkConfig = sinkServiceConfig(clickhouseConfig, {
  name: 'clickhouse-sink',
  topics: { SINK_EVENTS_TOPIC: TOPICS.enrichedEvents, SINK_KPI_TOPIC: TOPICS.kpiWindows },
  dlqTopic: TOPICS.deadLetters,
  // Kafka partitions handled at once; their batches share inserts. Below the number of assigned
  // partitions, one fetch's batches queue for successive flush intervals and a row waits several
  // of them (4 of 12 partitions: end-to-end p50 4.2 s against 2.4 s), so the default covers all.
  partitionsConcurrently: 32,
  maxBytesPerPartition: 4 * 1024 * 1024,
  retryMaxMs: 10_000,
}).extend({
  /** Rows of one table in one INSERT; a flush with more rows is split. */
  SINK_MAX_BATCH_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
  /**
   * Rows wait at most this long for more rows before they are inserted; together with the row
   * bound it keeps ClickHouse at a few large inserts per second whatever the traffic. Offsets are
   * committed asynchronously once a flush lands, so this costs latency only, not throughput.
   */
  SINK_FLUSH_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(200),
  /** Flushes being inserted at once (decoding the next batches overlaps an insert). */
  SINK_MAX_INFLIGHT_FLUSHES: z.coerce.number().int().min(1).max(8).default(2),
  /**
   * Kafka batches handed to the flushes and not yet inserted (their offsets are committed once
   * they are); beyond it the consumer waits. Bounds memory: each holds its decoded rows.
   */
  SINK_MAX_PENDING_BATCHES: z.coerce.number().int().min(1).max(256).default(8),
  /**
   * Record bytes (Kafka key + value) of those batches; beyond it the consumer waits. At most this
   * plus one batch is pending. The bound that holds the live heap: a pending batch's rows take
   * ~5.5× its Avro bytes (plus ~5× more while its insert body is built), and 8 fetches of 4 MiB
   * took the sink to 1 GiB RSS. 8 MiB is two full fetches (docs/BENCHMARKS.md, "ClickHouse sink
   * memory"); it is what makes the deployment's V8 heap cap (--max-old-space-size) safe: without
   * a byte bound, a capped sink ran out of heap.
   */
  SINK_MAX_PENDING_BYTES: z.coerce
    .number()
    .int()
    .min(65_536)
    .default(8 * 1024 * 1024),
  /** Apply pending migrations at startup (normally `npm run migrate` does it at deploy). */
  SINK_MIGRATE: boolFromEnv.default(true),
});

export type SinkConfig = z.infer<typeof sinkConfig>;
export type ClickhouseConfig = z.infer<typeof clickhouseConfig>;
