import {
  createCassandraClient,
  cassandraConnectionConfig,
  migrate as migrateCassandra,
} from '@retail-stream/cassandra-sink';
import {
  connectClickhouse,
  migrate as migrateClickhouse,
  clickhouseConfig,
} from '@retail-stream/clickhouse-sink';
import { serviceEnv } from '@retail-stream/infra';
import { parseConfig } from '@retail-stream/runtime';
import {
  type Teardowns,
  testCassandraKeyspace,
  testClickHouseDatabase,
  testEndpoints,
  testPgSchema,
} from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import type { ClickHouseClient } from '@clickhouse/client';
import type cassandra from 'cassandra-driver';
import pg from 'pg';
import { CH_TABLE_DEFS } from '../sink-tables.ts';
import { writeCassandra, writeClickhouse, writePostgres } from './sink-writes.ts';

/** The columns the ClickHouse sink writes to sales (its own table definition). */
export const CH_SALES_COLUMNS = CH_TABLE_DEFS.find((t) => t.table === 'sales')!
  .columns.map(([c]) => c)
  .join(', ');

/** A test's own "live" stores: a Postgres schema, a ClickHouse database and a Cassandra keyspace. */
export interface LiveStores {
  /** The sinks' env, pointed at this test's live schema, database and keyspace. */
  env: Record<string, string>;
  pgPool: pg.Pool;
  ch: ClickHouseClient;
  cass: cassandra.Client;
  liveSchema: string;
  liveDb: string;
  liveKs: string;
}

/**
 * Creates the live stores (migrated by each sink's own migrations) and writes events into them
 * through each sink's own write path; everything is dropped by teardowns.
 */
export async function openLiveStores(teardowns: Teardowns, events: StoreEvent[]): Promise<LiveStores> {
  const endpoints = testEndpoints(serviceEnv());
  const base = serviceEnv();
  const schema = teardowns.add(testPgSchema(endpoints.pgUrl, 'shlive'), (s) => s.drop());
  const liveSchema = schema.name;
  const chDb = teardowns.add(
    await testClickHouseDatabase(endpoints.clickhouseUrl, {
      prefix: 'shlive',
      migrate: (c) => migrateClickhouse(c),
    }),
    (d) => d.drop(),
  );
  const liveDb = chDb.name;
  const cassCfg = parseConfig(cassandraConnectionConfig, base);
  const cass = createCassandraClient(cassCfg);
  teardowns.add(cass, (c) => c.shutdown());
  const ks = teardowns.add(
    await testCassandraKeyspace(cass, {
      prefix: 'shlive',
      create: (k) => migrateCassandra(cass, { keyspace: k, replication: cassCfg.CASSANDRA_REPLICATION }),
    }),
    (k) => k.drop(),
  );
  const liveKs = ks.name;
  const env = { ...base, HQ_PG_SCHEMA: liveSchema, CLICKHOUSE_DATABASE: liveDb, CASSANDRA_KEYSPACE: liveKs };
  const pgPool = teardowns.add(new pg.Pool({ connectionString: endpoints.pgUrl, max: 2 }), (p) => p.end());
  const ch = teardowns.add(connectClickhouse(parseConfig(clickhouseConfig, env)), (c) => c.close());

  // Live: every store, written as the sinks write.
  await writePostgres(endpoints.pgUrl, liveSchema, events);
  await writeClickhouse(chDb.client, events);
  await writeCassandra(cass, liveKs, events);
  return { env, pgPool, ch, cass, liveSchema, liveDb, liveKs };
}
