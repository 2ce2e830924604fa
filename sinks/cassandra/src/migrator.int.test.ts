import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serviceEnv } from '@retail-stream/infra';
import { parseConfig } from '@retail-stream/runtime';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueKeyspace } from '../test/harness.ts';
import { createCassandraClient } from './cassandra-client.ts';
import { cassandraConnectionConfig } from './config.ts';
import { MIGRATIONS_DIR } from './migration-files.ts';
import { migrate } from './migrator.ts';

describe('cassandra migrations (real Cassandra)', () => {
  const keyspace = uniqueKeyspace('csmig');
  const replication = { class: 'SimpleStrategy' as const, replicationFactor: 1 };
  let client: cassandra.Client;
  beforeAll(() => {
    client = createCassandraClient(parseConfig(cassandraConnectionConfig, serviceEnv()));
  });
  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
    await client.shutdown();
  });

  it('creates the keyspace and tables once, records them in the ledger, and refuses an edited migration', async () => {
    const first = await migrate(client, { keyspace, replication });
    expect(first.applied).toEqual([1, 2, 3]);
    const tables = await client.execute(
      'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?',
      [keyspace],
      { prepare: true },
    );
    expect(tables.rows.map((r) => r.get('table_name') as string).sort()).toEqual([
      'inventory_by_store',
      'sales_by_store_day',
      'schema_migrations',
      'transaction_by_id_and_store',
    ]);
    const ks = await client.execute(
      'SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?',
      [keyspace],
      {
        prepare: true,
      },
    );
    expect(ks.first().get('replication')).toMatchObject({ replication_factor: '1' });

    expect(await migrate(client, { keyspace, replication })).toEqual({
      applied: [],
      alreadyApplied: [1, 2, 3],
    });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csmig-'));
    try {
      for (const f of fs.readdirSync(MIGRATIONS_DIR)) {
        fs.writeFileSync(
          path.join(dir, f),
          `${fs.readFileSync(path.join(MIGRATIONS_DIR, f), 'utf8')}\n-- edited\n`,
        );
      }
      await expect(migrate(client, { keyspace, replication, dir })).rejects.toMatchObject({
        code: 'MIGRATION_CHANGED',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
