import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '../../infra/src/service-env.ts';
import { ensureDatabase } from './pg-database.ts';
import { migrate } from './pg-migrations.ts';
import { tolerateDroppedConnections, uniqueName } from './testing/index.ts';

const PG_URL = serviceEnv().PG_URL ?? '';
const created: string[] = [];
const dirs: string[] = [];

function urlFor(database: string): string {
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function freshDatabase(): Promise<string> {
  const name = uniqueName('mig').replace(/-/g, '_');
  await ensureDatabase(PG_URL, name);
  created.push(name);
  return urlFor(name);
}

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
  dirs.push(dir);
  await Promise.all(Object.entries(files).map(([name, sql]) => writeFile(path.join(dir, name), sql)));
  return dir;
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(() => {
  // An empty URL would make pg fall back to port 5432, the system cluster this must never touch.
  expect(PG_URL).toMatch(/^postgres(ql)?:\/\//);
});

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
  await admin.end();
});

const BASE = {
  '0001_items.sql': 'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);',
  '0002_seed.sql': "INSERT INTO items VALUES (1, 'one');",
};

describe('migrate against real PostgreSQL', () => {
  it('applies files in order once, records them, and is a no-op the second time', async () => {
    const url = await freshDatabase();
    const dir = await folder(BASE);
    const first = await migrate(url, { dir });
    expect(first.applied.map((m) => m.file)).toEqual(['0001_items.sql', '0002_seed.sql']);
    const second = await migrate(url, { dir });
    expect(second).toEqual({ applied: [], alreadyApplied: 2 });
    const ledger = await query<{ version: number; name: string; checksum: string }>(
      url,
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    expect(ledger.map((r) => [r.version, r.name])).toEqual([
      [1, 'items'],
      [2, 'seed'],
    ]);
    expect(ledger[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(await query(url, 'SELECT * FROM items')).toEqual([{ id: 1, name: 'one' }]);
  });

  it('lets concurrent starters race without double-applying or failing', async () => {
    const url = await freshDatabase();
    const dir = await folder({
      ...BASE,
      // Slow enough that the runners really overlap while one holds the lock.
      '0003_slow.sql': "SELECT pg_sleep(0.3); INSERT INTO items VALUES (2, 'two');",
    });
    const pool = tolerateDroppedConnections(new pg.Pool({ connectionString: url, max: 4 }));
    try {
      const results = await Promise.all([
        migrate(url, { dir }),
        migrate(url, { dir }),
        migrate(pool, { dir }),
        migrate(pool, { dir }),
        migrate(url, { dir }),
      ]);
      expect(results.reduce((n, r) => n + r.applied.length, 0)).toBe(3);
      expect(await query(url, 'SELECT count(*)::int AS n FROM items')).toEqual([{ n: 2 }]);
      // The pooled sessions gave their advisory lock back before returning to the pool.
      const held = await query(
        url,
        "SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()",
      );
      expect(held).toEqual([{ n: 0 }]);
    } finally {
      await pool.end();
    }
  });

  it('rolls back only the failing file and reports which one', async () => {
    const url = await freshDatabase();
    const dir = await folder({
      ...BASE,
      '0003_broken.sql': "INSERT INTO items VALUES (3, 'three'); SELECT no_such_function();",
    });
    await expect(migrate(url, { dir })).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
      message: expect.stringContaining('0003_broken.sql'),
    });
    expect(await query(url, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual([
      { version: 1 },
      { version: 2 },
    ]);
    // The first statement of the failing file did not survive its rollback.
    expect(await query(url, 'SELECT id FROM items ORDER BY id')).toEqual([{ id: 1 }]);
  });

  it('refuses to run when an applied file was edited, and applies nothing', async () => {
    const url = await freshDatabase();
    await migrate(url, { dir: await folder(BASE) });
    const edited = await folder({
      ...BASE,
      '0002_seed.sql': "INSERT INTO items VALUES (1, 'uno');",
      '0003_more.sql': "INSERT INTO items VALUES (9, 'nine');",
    });
    await expect(migrate(url, { dir: edited })).rejects.toMatchObject({
      code: 'MIGRATION_CHECKSUM_MISMATCH',
      message: expect.stringContaining('0002_seed.sql'),
    });
    expect(await query(url, 'SELECT count(*)::int AS n FROM schema_migrations')).toEqual([{ n: 2 }]);
  });
});
