import { AppError } from '@retail-stream/runtime';
import type cassandra from 'cassandra-driver';
import { toCassandraError } from './cassandra-errors.ts';
import { loadMigrations, MIGRATIONS_DIR } from './migration-files.ts';
import { MIGRATION_STEPS } from './migration-steps.ts';
import { replicationCql, type Replication } from './replication.ts';

export interface MigrateResult {
  applied: number[];
  alreadyApplied: number[];
}

/**
 * Creates the keyspace if missing, then applies every numbered migration not yet in the ledger
 * (`<keyspace>.schema_migrations`), in order. Cassandra DDL is not transactional, so each file is
 * written to be re-runnable (IF NOT EXISTS) and is recorded only after all its statements ran: a
 * crash midway re-runs that file. A migration's data step (migration-steps.ts) runs after its
 * statements, before it is recorded. A recorded migration whose file changed is refused.
 */
export async function migrate(
  client: cassandra.Client,
  opts: { keyspace: string; replication: Replication; dir?: string; log?: (msg: string) => void },
): Promise<MigrateResult> {
  const { keyspace } = opts;
  const log = opts.log ?? (() => undefined);
  const run = async (cql: string, params: unknown[] = []) => {
    try {
      return await client.execute(cql, params, { prepare: params.length > 0 });
    } catch (err) {
      throw toCassandraError(err, `migration statement "${cql.slice(0, 80)}"`);
    }
  };
  await run(
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replicationCql(opts.replication)}`,
  );
  await run(
    `CREATE TABLE IF NOT EXISTS ${keyspace}.schema_migrations ` +
      `(version int PRIMARY KEY, name text, checksum text, applied_at timestamp)`,
  );
  const rows = (await run(`SELECT version, checksum FROM ${keyspace}.schema_migrations`)).rows;
  const ledger = new Map(rows.map((r) => [r.get('version') as number, r.get('checksum') as string]));
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const m of loadMigrations(keyspace, opts.dir ?? MIGRATIONS_DIR)) {
    const recorded = ledger.get(m.version);
    if (recorded !== undefined) {
      if (recorded !== m.checksum) {
        throw new AppError(
          'MIGRATION_CHANGED',
          `migration ${m.version}_${m.name} was applied with different contents; add a new migration instead`,
        );
      }
      result.alreadyApplied.push(m.version);
      continue;
    }
    for (const statement of m.statements) await run(statement);
    await MIGRATION_STEPS[m.version]?.(client, keyspace);
    await run(
      `INSERT INTO ${keyspace}.schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)`,
      [m.version, m.name, m.checksum, new Date()],
    );
    log(`applied ${m.version}_${m.name} to ${keyspace}`);
    result.applied.push(m.version);
  }
  return result;
}
