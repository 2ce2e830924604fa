import { ensureDatabase, migrate as migrateClickhouse } from '@retail-stream/clickhouse-sink';
import { connectClickhouse } from '@retail-stream/clickhouse-sink';
import { migrate as migrateCassandra } from '@retail-stream/cassandra-sink';
import { hqPool, prepareDatabase } from '@retail-stream/postgres-sink';
import { sqlString } from '@retail-stream/runtime';
import type { ShadowConnections } from './connections.ts';
import type { ShadowSink } from './shadow-name.ts';

/**
 * Creating, probing and dropping a shadow in each store. A shadow is created by the sink's own
 * migration code pointed at another schema / database / keyspace, so its tables are exactly the
 * live ones. `target` is always shadowTarget(name) (a checked identifier), safe to splice.
 */
export interface ShadowStore {
  /** The env override that points the sink's config at the shadow. */
  envOverride(target: string): Record<string, string>;
  /** The live schema / database / keyspace the shadow mirrors. */
  live(): string;
  exists(target: string): Promise<boolean>;
  createAndMigrate(target: string): Promise<void>;
  drop(target: string): Promise<void>;
}

export function shadowStore(conn: ShadowConnections, sink: ShadowSink): ShadowStore {
  switch (sink) {
    case 'postgres':
      return postgresStore(conn);
    case 'clickhouse':
      return clickhouseStore(conn);
    case 'cassandra':
      return cassandraStore(conn);
  }
}

function postgresStore(conn: ShadowConnections): ShadowStore {
  const cfg = conn.env.postgres;
  return {
    envOverride: (target) => ({ HQ_PG_SCHEMA: target }),
    live: () => cfg.HQ_PG_SCHEMA,
    async exists(target) {
      const r = await conn.pg().query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [target]);
      return r.rowCount === 1;
    },
    async createAndMigrate(target) {
      // The sink's pool shape (search_path = the schema), so its migrations land in the shadow.
      const pool = hqPool(cfg.PG_URL, target, { max: 1, applicationName: 'retail-cli-shadow' });
      try {
        await prepareDatabase(pool, target);
      } finally {
        await pool.end();
      }
    },
    async drop(target) {
      await conn.pg().query(`DROP SCHEMA IF EXISTS "${target}" CASCADE`);
    },
  };
}

function clickhouseStore(conn: ShadowConnections): ShadowStore {
  const cfg = conn.env.clickhouse;
  return {
    envOverride: (target) => ({ CLICKHOUSE_DATABASE: target }),
    live: () => cfg.CLICKHOUSE_DATABASE,
    async exists(target) {
      const rs = await conn.clickhouse().query({
        query: `SELECT count() AS n FROM system.databases WHERE name = ${sqlString(target)}`,
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{ n: string | number }>();
      return Number(rows[0]?.n ?? 0) > 0;
    },
    async createAndMigrate(target) {
      await ensureDatabase(conn.clickhouse(), target);
      const client = connectClickhouse(cfg, { database: target, maxOpenConnections: 1 });
      try {
        await migrateClickhouse(client);
      } finally {
        await client.close();
      }
    },
    async drop(target) {
      await conn.clickhouse().command({ query: `DROP DATABASE IF EXISTS ${target}` });
    },
  };
}

function cassandraStore(conn: ShadowConnections): ShadowStore {
  const cfg = conn.env.cassandra;
  return {
    envOverride: (target) => ({ CASSANDRA_KEYSPACE: target }),
    live: () => cfg.CASSANDRA_KEYSPACE,
    async exists(target) {
      const r = await conn
        .cassandra()
        .execute('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [target], {
          prepare: true,
        });
      return r.rowLength > 0;
    },
    async createAndMigrate(target) {
      await migrateCassandra(conn.cassandra(), { keyspace: target, replication: cfg.CASSANDRA_REPLICATION });
    },
    async drop(target) {
      await conn.cassandra().execute(`DROP KEYSPACE IF EXISTS ${target}`);
    },
  };
}
