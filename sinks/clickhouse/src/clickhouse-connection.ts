import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { clickhouseClientOptions } from '@retail-stream/runtime';
import type { ClickhouseConfig } from './config.ts';

/**
 * A client bound to the sink's database (or to `default`, to create it). Unqualified table names in
 * migrations and queries then resolve to the configured database, so tests can use their own.
 */
export function connectClickhouse(
  config: ClickhouseConfig,
  opts: { database?: string; maxOpenConnections?: number } = {},
): ClickHouseClient {
  return createClient({
    ...clickhouseClientOptions(config.CLICKHOUSE_URL),
    database: opts.database ?? config.CLICKHOUSE_DATABASE,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
    request_timeout: config.CLICKHOUSE_REQUEST_TIMEOUT_MS,
    max_open_connections: opts.maxOpenConnections ?? 8,
    // The client would print every failed request to the console (not JSON); failures reach the
    // service's pino log through the consumer runner's retry warnings instead.
    log: { level: ClickHouseLogLevel.OFF },
  });
}
