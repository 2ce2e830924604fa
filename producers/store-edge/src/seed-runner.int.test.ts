import pg from 'pg';
import { uniqueName } from '@retail-stream/runtime/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { storeDatabaseName, storeDatabaseUrl } from './db/store-database.ts';
import { generateCatalogue, generateStores } from '@retail-stream/fixtures';
import { seedStore } from './seed-runner.ts';
import { PG_URL } from '../test/harness.ts';

const prefix = uniqueName('sd').replace(/-/g, '_');
const stores = generateStores(2, { prefix });

afterAll(async () => {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  for (const s of stores) await admin.query(`DROP DATABASE IF EXISTS "${storeDatabaseName(s.store_id)}"`);
  await admin.end();
});

async function counts(storeId: string) {
  const client = new pg.Client({ connectionString: storeDatabaseUrl(PG_URL, storeId) });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT
      (SELECT count(*)::int FROM local_catalog) AS skus,
      (SELECT count(*)::int FROM local_inventory) AS stocked,
      (SELECT sum(on_hand)::int FROM local_inventory) AS units,
      (SELECT row_to_json(s) FROM (SELECT store_id, name, timezone, currency, region FROM store) s) AS store,
      (SELECT last_seq::int FROM store_sequence) AS seq`);
    return rows[0];
  } finally {
    await client.end();
  }
}

describe('seedStore against real PostgreSQL', () => {
  it('creates, migrates and fills each store database; re-running changes nothing', async () => {
    const products = generateCatalogue(2_000);
    await Promise.all(stores.map((s) => seedStore(PG_URL, s, products)));
    const first = await Promise.all(stores.map((s) => counts(s.store_id)));
    first.forEach((c, i) => {
      expect(c).toMatchObject({ skus: 2_000, stocked: 2_000, seq: 0, store: stores[i] });
      expect(c.units).toBeGreaterThan(100_000);
    });
    expect(first[0].units).not.toBe(first[1].units);

    await seedStore(PG_URL, stores[0]!, products);
    expect(await counts(stores[0]!.store_id)).toEqual(first[0]);
  });
});
