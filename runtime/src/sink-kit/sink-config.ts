import { z } from 'zod';
import { baseServiceConfig, kafkaConfig, schemaRegistryConfig } from '../service-config.ts';

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

/** A sink's topic settings (`SINK_EVENTS_TOPIC`, `SINK_KPI_TOPIC`, …) with their defaults. */
export type SinkTopicDefaults<K extends `SINK_${string}_TOPIC`> = Record<K, string>;

export interface SinkServiceDefaults<K extends `SINK_${string}_TOPIC`> extends SinkKitDefaults {
  topics: SinkTopicDefaults<K>;
}

/**
 * Everything a sink reads from the environment but its own tuning: the service's base settings,
 * Kafka, the schema registry, its store's connection settings, its topics and the kit's settings.
 * The sink `.extend`s the result with its own settings, so the parts all sinks share are written
 * once here.
 */
export function sinkServiceConfig<S extends z.ZodRawShape, K extends `SINK_${string}_TOPIC`>(
  store: z.ZodObject<S>,
  d: SinkServiceDefaults<K>,
) {
  const topics = Object.fromEntries(
    Object.entries<string>(d.topics).map(([key, topic]) => [key, z.string().min(1).default(topic)]),
  ) as Record<K, z.ZodDefault<z.ZodString>>;
  return baseServiceConfig
    .extend(kafkaConfig.shape)
    .extend(schemaRegistryConfig.shape)
    .extend(store.shape)
    .extend(topics)
    .extend(sinkKitConfig(d).shape);
}
