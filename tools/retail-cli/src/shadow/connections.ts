import type { ClickHouseClient } from '@clickhouse/client';
import { createCassandraClient } from '@retail-stream/cassandra-sink';
import { connectClickhouse } from '@retail-stream/clickhouse-sink';
import pg from 'pg';
import type cassandra from 'cassandra-driver';
import { ShadowRegistry } from './registry.ts';
import type { ShadowEnv } from './sink-configs.ts';

/**
 * The clients one shadow command needs, opened on first use and closed together. Every SQL text
 * qualifies its tables with the schema / database / keyspace, so one client per store serves
 * both the live tables and the shadow's.
 */
export class ShadowConnections {
  private pgPool?: pg.Pool;
  private ch?: ClickHouseClient;
  private cass?: cassandra.Client;
  private reg?: ShadowRegistry;

  constructor(readonly env: ShadowEnv) {}

  /** HQ database (no search_path: every name is schema-qualified). */
  pg(): pg.Pool {
    if (!this.pgPool) {
      this.pgPool = new pg.Pool({
        connectionString: this.env.postgres.PG_URL,
        max: 4,
        connectionTimeoutMillis: this.env.postgres.PG_CONNECT_TIMEOUT_MS,
        application_name: 'retail-cli-shadow',
      });
      // An idle client whose server went away emits 'error'; the next query reconnects or fails.
      this.pgPool.on('error', () => undefined);
    }
    return this.pgPool;
  }

  /** Bound to `default`; queries name their databases. */
  clickhouse(): ClickHouseClient {
    this.ch ??= connectClickhouse(this.env.clickhouse, { database: 'default', maxOpenConnections: 4 });
    return this.ch;
  }

  /** No keyspace: statements name theirs (the sink's migrator does the same). */
  cassandra(): cassandra.Client {
    this.cass ??= createCassandraClient(this.env.cassandra, { applicationName: 'retail-cli-shadow' });
    return this.cass;
  }

  registry(): ShadowRegistry {
    this.reg ??= new ShadowRegistry(this.pg());
    return this.reg;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pgPool?.end(), this.ch?.close(), this.cass?.shutdown()]);
  }
}
