import { loadConfigOrExit } from '@retail-stream/runtime';
import { createCassandraClient } from './cassandra-client.ts';
import { cassandraConnectionConfig } from './config.ts';
import { migrate } from './migrator.ts';

/** `npm run migrate -w @retail-stream/cassandra-sink`: keyspace + numbered migrations, idempotent. */
const config = loadConfigOrExit(cassandraConnectionConfig);
const client = createCassandraClient(config, { applicationName: 'cassandra-sink-migrate' });
try {
  const result = await migrate(client, {
    keyspace: config.CASSANDRA_KEYSPACE,
    replication: config.CASSANDRA_REPLICATION,
    log: (msg) => process.stdout.write(`${msg}\n`),
  });
  process.stdout.write(
    `keyspace ${config.CASSANDRA_KEYSPACE}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied\n`,
  );
} catch (err) {
  process.stderr.write(`migration failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await client.shutdown();
}
