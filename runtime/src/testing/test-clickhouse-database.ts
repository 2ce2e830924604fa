import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { clickhouseClientOptions } from '../clickhouse-compat.ts';
import { uniqueIdentifier } from './unique-name.ts';

/** Drops a ClickHouse database; one that is already gone is fine. */
export async function dropClickHouseDatabase(url: string, name: string): Promise<void> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a test database name: ${name}`);
  const admin = createClient({ ...clickhouseClientOptions(url), log: { level: ClickHouseLogLevel.OFF } });
  try {
    await admin.command({ query: `DROP DATABASE IF EXISTS ${name}` });
  } finally {
    await admin.close();
  }
}

export interface TestClickHouseDatabase {
  name: string;
  /** A client whose unqualified table names resolve to this database. */
  client: ClickHouseClient;
  drop(): Promise<void>;
}

export interface TestClickHouseDatabaseOptions {
  prefix?: string;
  /** Creates the tables (e.g. the sink's migrate) with the database's client. */
  migrate?: (client: ClickHouseClient) => Promise<unknown>;
  requestTimeoutMs?: number;
}

/**
 * A fresh ClickHouse database of one test file: create in beforeAll, `drop()` in afterAll. The
 * clients log nothing themselves: tests provoke failed requests on purpose.
 */
export async function testClickHouseDatabase(
  url: string,
  opts: TestClickHouseDatabaseOptions = {},
): Promise<TestClickHouseDatabase> {
  const name = uniqueIdentifier(opts.prefix ?? 'test');
  const connect = (database: string) =>
    createClient({
      ...clickhouseClientOptions(url),
      database,
      request_timeout: opts.requestTimeoutMs ?? 30_000,
      log: { level: ClickHouseLogLevel.OFF },
    });
  const admin = connect('default');
  // The name is generated from [a-z0-9_], so it needs no quoting.
  await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${name}` });
  const client = connect(name);
  try {
    if (opts.migrate) await opts.migrate(client);
  } catch (err) {
    await client.close();
    await admin.command({ query: `DROP DATABASE IF EXISTS ${name}` }).catch(() => undefined);
    await admin.close();
    throw err;
  }
  return {
    name,
    client,
    async drop() {
      await client.close().catch(() => undefined);
      try {
        await admin.command({ query: `DROP DATABASE IF EXISTS ${name}` });
      } finally {
        await admin.close();
      }
    },
  };
}
