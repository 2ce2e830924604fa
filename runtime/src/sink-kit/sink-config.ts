import { z } from 'zod';

/** Defaults a sink gives the settings every sink shares (its name is its consumer group's default). */
export interface SinkKitDefaults {
  /** The part's name (`postgres-sink`): the default consumer group. */
  name: string;
  dlqTopic: string;
  partitionsConcurrently: number;
  maxBytesPerPartition: number;
  retryMaxMs: number;
}

/**
 * The sink kit's settings, one zod fragment every sink spreads into its config
 * (`.extend(sinkKitConfig({...}).shape)`), so the names, bounds and meaning are the same in all.
 */
export function sinkKitConfig(d: SinkKitDefaults) {
  return z.object({
    SINK_GROUP_ID: z.string().min(1).default(d.name),
    SINK_DLQ_TOPIC: z.string().min(1).default(d.dlqTopic),
    /** Kafka partitions handled at once, each batch written on its own. */
    SINK_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(d.partitionsConcurrently),
    /** Kafka fetch size per partition, i.e. the largest batch one write gets. */
    SINK_MAX_BYTES_PER_PARTITION: z.coerce.number().int().min(16_384).default(d.maxBytesPerPartition),
    /** A member that died (kill -9) holds its partitions this long; the broker's minimum is 6 s. */
    SINK_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
    /** Backoff of a batch retried while the store is away: first wait, doubling up to the cap. */
    SINK_RETRY_INITIAL_MS: z.coerce.number().int().min(1).default(200),
    SINK_RETRY_MAX_MS: z.coerce.number().int().min(1).default(d.retryMaxMs),
  });
}

export type SinkKitConfig = z.infer<ReturnType<typeof sinkKitConfig>>;
