import pg from 'pg';
import { uniqueIdentifier } from './unique-name.ts';

export interface TestPgSchema {
  /** Lower-case, underscores: usable unquoted and as a service's `*_PG_SCHEMA` setting. */
  name: string;
  drop(): Promise<void>;
}

/**
 * A Postgres schema name of one test file, in the shared database: for services that keep their
 * tables in a schema of their own (the gateway, the HQ sink) and create it when they migrate.
 * Nothing is created here; `drop()` removes the schema and everything in it.
 */
export function testPgSchema(url: string, prefix = 'test'): TestPgSchema {
  const name = uniqueIdentifier(prefix);
  return { name, drop: () => dropPgSchema(url, name) };
}

export async function dropPgSchema(url: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a test schema name: ${name}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The name passed the regex above, so quoting it is safe.
    await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await client.end();
  }
}
