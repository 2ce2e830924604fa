import { csv, storeZoneConfig } from '@retail-stream/runtime';
import { sinkServiceConfig } from '@retail-stream/runtime/sink-kit';
import { TOPICS } from '@retail-stream/schemas';
import { z } from 'zod';
import { parseReplication } from './replication.ts';

/** CQL identifiers we interpolate (keyspace names cannot be bind markers), so strictly checked. */
const cqlIdentifier = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'lower-case letters, digits and _');

/** Everything the sink and its migrate CLI read from the environment, parsed once. */
export const cassandraConnectionConfig = z.object({
  CASSANDRA_CONTACT_POINTS: csv.default(['127.0.0.1:19042']),
  CASSANDRA_LOCAL_DC: z.string().min(1).default('datacenter1'),
  CASSANDRA_KEYSPACE: cqlIdentifier.default('retail'),
  /** `SimpleStrategy:1` or `NetworkTopologyStrategy:dc1=3,dc2=3`; used when migrate creates the keyspace. */
  CASSANDRA_REPLICATION: z
    .string()
    .default('SimpleStrategy:1')
    .transform((s, ctx) => {
      try {
        return parseReplication(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  CASSANDRA_USERNAME: z.string().min(1).optional(),
  CASSANDRA_PASSWORD: z.string().min(1).optional(),
  CASSANDRA_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(12_000),
  CASSANDRA_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /**
   * host:port every discovered node address is translated to. For a proxy, tunnel or port-forward
   * in front of a cluster the driver cannot reach directly (the outage test's fault proxy).
   */
  CASSANDRA_TRANSLATE_ADDRESSES_TO: z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, 'host:port')
    .optional(),
});

export const cassandraSinkConfig = sinkServiceConfig(cassandraConnectionConfig, {
  name: 'cassandra-sink',
  topics: { SINK_EVENTS_TOPIC: TOPICS.enrichedEvents },
  dlqTopic: TOPICS.deadLetters,
  // Each batch reads, then writes; with several partitions at once one partition's reads and
  // decoding overlap another's writes (bench: 2 → 6 took the sink from 0.38 to 0.60 of the
  // batched driver loop, docs/BENCHMARKS.md).
  partitionsConcurrently: 6,
  maxBytesPerPartition: 2 * 1024 * 1024,
  retryMaxMs: 10_000,
})
  // The day of a sale of a store reference data does not name, as KPI windows and reconcile count it.
  .extend(storeZoneConfig.shape)
  .extend({
    /** Statements per UNLOGGED batch (all of one partition); small batches keep coordinators happy. */
    SINK_MAX_BATCH_STATEMENTS: z.coerce.number().int().min(1).max(100).default(16),
    /** Requests (batches, single statements, reads) in flight against Cassandra at once. */
    SINK_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(64),
  });

export type CassandraConnectionConfig = z.infer<typeof cassandraConnectionConfig>;
export type CassandraSinkConfig = z.infer<typeof cassandraSinkConfig>;
