import { uniqueIdentifier } from './unique-name.ts';

/**
 * What the fixture needs of a cassandra-driver Client. The runtime does not depend on the driver:
 * the test passes the client it already has.
 */
export interface CqlExecutor {
  execute(query: string): Promise<unknown>;
}

export interface TestCassandraKeyspace {
  name: string;
  drop(): Promise<void>;
}

export interface TestCassandraKeyspaceOptions {
  prefix?: string;
  /** Creates (and e.g. migrates) the keyspace instead of a plain single-replica CREATE KEYSPACE. */
  create?: (keyspace: string) => Promise<unknown>;
}

/**
 * A fresh keyspace of one test file: create in beforeAll, `drop()` in afterAll (before the
 * client's shutdown). A drop that fails (node busy, already gone) is not a test failure.
 */
export async function testCassandraKeyspace(
  client: CqlExecutor,
  opts: TestCassandraKeyspaceOptions = {},
): Promise<TestCassandraKeyspace> {
  // Keyspace names allow [A-Za-z0-9_] only; the generated name needs no quoting.
  const name = uniqueIdentifier(opts.prefix ?? 'test');
  if (opts.create) await opts.create(name);
  else {
    await client.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${name} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
  }
  return {
    name,
    drop: async () => {
      await client.execute(`DROP KEYSPACE IF EXISTS ${name}`).catch(() => undefined);
    },
  };
}
