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
      (SELECT row_to_json(s) FROM (SELECT store_id, name, timezone, currency, region, pharmacy_code FROM store) s) AS store,
      (SELECT count(*)::int FROM local_catalog WHERE drug IS NOT NULL) AS drugs,
      (SELECT count(DISTINCT sku)::int FROM stock_lots) AS lotted,
      (SELECT count(*)::int FROM stock_lots) AS lots,
      (SELECT count(*)::int FROM local_inventory i JOIN local_catalog c ON c.sku = i.sku
        WHERE c.drug IS NOT NULL AND i.on_hand <> coalesce((SELECT sum(on_hand) FROM stock_lots l WHERE l.sku = i.sku), 0)) AS lot_mismatches,
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
    expect(first[0].store.pharmacy_code).toMatch(/^CS-79/);
    first.forEach((c, i) => {
      expect(c).toMatchObject({ skus: 2_000, stocked: 2_000, seq: 0, store: stores[i], drugs: 200 });
      // Every medicine in stock has opening lots summing to its on_hand, 2-3 lots each.
      expect(c.lot_mismatches).toBe(0);
      expect(c.lotted).toBeGreaterThan(180);
      expect(c.lots).toBeGreaterThanOrEqual(2 * c.lotted);
      expect(c.units).toBeGreaterThan(100_000);
    });
    expect(first[0].units).not.toBe(first[1].units);

    await seedStore(PG_URL, stores[0]!, products);
    expect(await counts(stores[0]!.store_id)).toEqual(first[0]);
  });
});
