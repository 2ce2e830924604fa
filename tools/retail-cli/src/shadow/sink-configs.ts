import { cassandraConnectionConfig, type CassandraConnectionConfig } from '@retail-stream/cassandra-sink';
import { clickhouseConfig, type ClickhouseConfig } from '@retail-stream/clickhouse-sink';
import { databaseConfig, type DatabaseConfig } from '@retail-stream/postgres-sink';
import { parseConfig } from '@retail-stream/runtime';

/**
 * What the shadow commands need to reach the live stores: each sink's own connection config, read
 * from the same env names the services read (so the CLI points where the sinks point).
 */
export interface ShadowEnv {
  postgres: DatabaseConfig;
  clickhouse: ClickhouseConfig;
  cassandra: CassandraConnectionConfig;
}

export type Env = Record<string, string | undefined>;

export function shadowEnv(env: Env): ShadowEnv {
  return {
    postgres: parseConfig(databaseConfig, env),
    clickhouse: parseConfig(clickhouseConfig, env),
    cassandra: parseConfig(cassandraConnectionConfig, env),
  };
}
