import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabase } from '@retail-stream/runtime';
import { pgDatabaseUrl } from '@retail-stream/runtime/testing';
import { serviceEnv } from '../service-env.ts';

const PG_URL = serviceEnv().PG_URL ?? '';
const storeDb = `store_smoke_${randomBytes(4).toString('hex')}`;

let client: pg.Client;

beforeAll(async () => {
  // An empty URL would make pg fall back to port 5432 — the system cluster this must never touch.
  expect(PG_URL, 'serviceEnv().PG_URL').toMatch(/^postgres(ql)?:\/\//);
  client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
});

afterAll(async () => {
  // WITH (FORCE) would hide a leaked connection from the test itself; every client here is closed first.
  await client?.query(`DROP DATABASE IF EXISTS "${storeDb}"`);
  await client?.end();
});

describe('local PostgreSQL', () => {
  it('is the Debian server on the project port, not the system cluster', async () => {
    const { rows } = await client.query<{ version: string; port: string }>(
      "SELECT current_setting('server_version') AS version, current_setting('port') AS port",
    );
    expect(rows[0]!.version).toMatch(/^\d+\.\d+ \(Debian /);
    expect(Number(rows[0]!.port)).toBe(Number(new URL(PG_URL).port));
    expect(Number(rows[0]!.port)).not.toBe(5432);
  });

  it('keeps durability settings on', async () => {
    const { rows } = await client.query<{ name: string; setting: string }>(
      'SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[]) ORDER BY name',
      [['fsync', 'synchronous_commit', 'max_connections']],
    );
    expect(Object.fromEntries(rows.map((r) => [r.name, r.setting]))).toEqual({
      fsync: 'on',
      max_connections: '200',
      synchronous_commit: 'on',
    });
  });

  it('round-trips rows through a temp table with bound parameters', async () => {
    await client.query(
      'CREATE TEMP TABLE smoke_sale (id int PRIMARY KEY, sku text NOT NULL, amount numeric(12,2) NOT NULL, at timestamptz NOT NULL)',
    );
    const at = new Date('2024-03-01T10:15:00.123Z');
    const rows = [
      [1, 'O\'Reilly "quoted" sku', '19.99', at],
      [2, 'sku-2; DROP TABLE smoke_sale; --', '0.01', at],
    ] as const;
    for (const r of rows)
      await client.query('INSERT INTO smoke_sale (id, sku, amount, at) VALUES ($1, $2, $3, $4)', [...r]);
    const back = await client.query<{ id: number; sku: string; amount: string; at: Date }>(
      'SELECT id, sku, amount, at FROM smoke_sale WHERE amount > $1 ORDER BY id',
      ['0'],
    );
    expect(back.rows).toEqual(rows.map(([id, sku, amount, when]) => ({ id, sku, amount, at: when })));
  });

  it('creates a per-store database on demand, idempotently', async () => {
    expect(await ensureDatabase(PG_URL, storeDb)).toBe(true);
    expect(await ensureDatabase(PG_URL, storeDb)).toBe(false);

    const store = new pg.Client({ connectionString: pgDatabaseUrl(PG_URL, storeDb) });
    await store.connect();
    try {
      const { rows } = await store.query<{ db: string }>('SELECT current_database() AS db');
      expect(rows[0]!.db).toBe(storeDb);
    } finally {
      await store.end();
    }
  });

  it('survives concurrent on-demand creation of the same database', async () => {
    const name = `${storeDb}_race`;
    try {
      const created = await Promise.all(Array.from({ length: 4 }, () => ensureDatabase(PG_URL, name)));
      expect(created.filter(Boolean)).toHaveLength(1);
    } finally {
      await client.query(`DROP DATABASE IF EXISTS "${name}"`);
    }
  });

  it('rejects names that would need quoting or could inject SQL', async () => {
    for (const bad of [
      'Store1',
      '1store',
      'store-1',
      'x"; DROP DATABASE retail_hq; --',
      '',
      'a'.repeat(64),
    ]) {
      await expect(ensureDatabase(PG_URL, bad), bad).rejects.toThrow(/invalid database name/);
    }
  });
});
