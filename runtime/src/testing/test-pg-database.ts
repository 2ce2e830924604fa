import pg from 'pg';
import { ensureDatabase } from '../pg-database.ts';
import { tolerateDroppedConnections } from './tolerate-dropped-connections.ts';
import { uniqueIdentifier } from './unique-name.ts';

/** `adminUrl` with its database replaced by `name` (same host, role and options). */
export function pgDatabaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops a database even while something is still connected (WITH (FORCE)): a test's teardown
 * must not wait for, or fail on, a service it already stopped or killed.
 */
export async function dropPgDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a test database name: ${name}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // The name passed the regex above, so quoting it is safe.
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export interface TestPgDatabase {
  name: string;
  url: string;
  /** A small pool on the database for assertions; it survives the forced drop (see tolerateDroppedConnections). */
  pool: pg.Pool;
  drop(): Promise<void>;
}

export interface TestPgDatabaseOptions {
  /** Prefix of the generated name (`<prefix>_<time>_<random>`); ignored when `name` is given. */
  prefix?: string;
  name?: string;
  /**
   * Creates (and e.g. migrates) the database instead of a plain CREATE DATABASE, for packages
   * that own their databases' creation (the store edge's prepareStoreDatabase).
   */
  create?: (adminUrl: string, name: string) => Promise<unknown>;
  poolMax?: number;
}

/** A fresh Postgres database of one test file: create in beforeAll, `drop()` in afterAll. */
export async function testPgDatabase(
  adminUrl: string,
  opts: TestPgDatabaseOptions = {},
): Promise<TestPgDatabase> {
  const name = opts.name ?? uniqueIdentifier(opts.prefix ?? 'test');
  if (opts.create) await opts.create(adminUrl, name);
  else await ensureDatabase(adminUrl, name);
  const url = pgDatabaseUrl(adminUrl, name);
  const pool = tolerateDroppedConnections(
    new pg.Pool({ connectionString: url, max: opts.poolMax ?? 4, application_name: 'test-fixture' }),
  );
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end().catch(() => undefined);
      await dropPgDatabase(adminUrl, name);
    },
  };
}
