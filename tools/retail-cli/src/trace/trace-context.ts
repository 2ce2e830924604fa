import { TOPICS } from '@retail-stream/schemas';
import { storeDatabaseUrl } from '@retail-stream/store-edge';
import type { CliContext } from '../cli-kit/context.ts';
import { StoreDatabases } from './store-outbox.ts';
import type { TraceDeps } from './trace-event.ts';
import { ensureTraceIndex } from './trace-index.ts';

/** Ingest's default duplicates topic (INGEST_DUPLICATES_TOPIC overrides it, as in ingest). */
export const DEFAULT_DUPLICATES_TOPIC = TOPICS.ingestDuplicates;

export interface TraceConnectionOptions {
  /** One store's database URL, when it is not where storeDatabaseUrl() puts it. */
  storeDb?: string;
  /** The store that URL belongs to (undefined: every store lookup uses it). */
  storeDbFor?: string;
  duplicatesTopic?: string;
  /** false: do not read new dead letters/duplicates into the index first. */
  index?: boolean;
  cassandra?: boolean;
}

/** TraceDeps from the CLI context's lazily opened clients; the store pools close with the context. */
export async function traceDepsOf(ctx: CliContext, o: TraceConnectionOptions = {}): Promise<TraceDeps> {
  const ops = await ctx.ops();
  await ensureTraceIndex(ops);
  const stores = new StoreDatabases(
    (storeId) => storeDatabaseUrl(ctx.config.PG_URL, storeId),
    o.storeDb ? { url: o.storeDb, storeId: o.storeDbFor } : undefined,
  );
  ctx.onClose(() => stores.close());
  const keyspace = ctx.config.CASSANDRA_KEYSPACE;
  return {
    hq: ctx.pg(),
    hqSchema: ctx.config.HQ_PG_SCHEMA,
    ops,
    clickhouse: ctx.clickhouse(),
    cassandra: o.cassandra === false ? undefined : { client: () => ctx.cassandra(), keyspace },
    stores,
    kafka: o.index === false ? undefined : ctx.kafka(),
    topics: {
      raw: ctx.topics.posEvents,
      enriched: ctx.topics.enrichedEvents,
      deadLetters: ctx.topics.deadLetters,
      duplicates: o.duplicatesTopic ?? ctx.env.INGEST_DUPLICATES_TOPIC ?? DEFAULT_DUPLICATES_TOPIC,
    },
  };
}
