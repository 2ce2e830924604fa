import type pg from 'pg';
import type { SeedProduct } from '@retail-stream/fixtures';
import type { StoreProfile } from '../store-profile.ts';

/**
 * Makes sure the store row and its sequence counter exist (an unseeded store starts with the
 * config's defaults) and returns the store's metadata. Existing metadata wins over config: the
 * seed or HQ owns it.
 */
export async function ensureStoreProfile(pool: pg.Pool, defaults: StoreProfile): Promise<StoreProfile> {
  await pool.query(
    `INSERT INTO store (store_id, name, timezone, currency, region) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (store_id) DO NOTHING`,
    [defaults.store_id, defaults.name, defaults.timezone, defaults.currency, defaults.region],
  );
  await pool.query('INSERT INTO store_sequence (store_id) VALUES ($1) ON CONFLICT (store_id) DO NOTHING', [
    defaults.store_id,
  ]);
  const { rows } = await pool.query<StoreProfile>(
    'SELECT store_id, name, timezone, currency, region FROM store WHERE store_id = $1',
    [defaults.store_id],
  );
  return rows[0]!;
}

/**
 * Seeds a store in the caller's transaction: metadata and catalogue are upserted (the catalogue is
 * HQ's to change), but stock is only set for SKUs the store has never held, so re-seeding never
 * rewrites stock that sales have moved.
 */
export async function seedStoreRows(
  client: pg.ClientBase,
  store: StoreProfile,
  products: readonly SeedProduct[],
  openingStock: readonly number[],
): Promise<void> {
  await client.query(
    `INSERT INTO store (store_id, name, timezone, currency, region) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (store_id) DO UPDATE SET name = EXCLUDED.name, timezone = EXCLUDED.timezone,
       currency = EXCLUDED.currency, region = EXCLUDED.region, updated_at = now()`,
    [store.store_id, store.name, store.timezone, store.currency, store.region],
  );
  await client.query('INSERT INTO store_sequence (store_id) VALUES ($1) ON CONFLICT DO NOTHING', [
    store.store_id,
  ]);
  await client.query(
    `INSERT INTO local_catalog (sku, barcode, name, category, brand, price_minor, tax_rate_bp)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::int[])
     ON CONFLICT (sku) DO UPDATE SET barcode = EXCLUDED.barcode, name = EXCLUDED.name, category = EXCLUDED.category,
       brand = EXCLUDED.brand, price_minor = EXCLUDED.price_minor, tax_rate_bp = EXCLUDED.tax_rate_bp, updated_at = now()`,
    [
      products.map((p) => p.sku),
      products.map((p) => p.barcode),
      products.map((p) => p.name),
      products.map((p) => p.category),
      products.map((p) => p.brand),
      products.map((p) => p.price_minor),
      products.map((p) => p.tax_rate_bp),
    ],
  );
  await client.query(
    `INSERT INTO local_inventory (store_id, sku, on_hand)
     SELECT $1, s.sku, s.on_hand FROM unnest($2::text[], $3::int[]) AS s(sku, on_hand)
     ON CONFLICT (store_id, sku) DO NOTHING`,
    [store.store_id, products.map((p) => p.sku), openingStock],
  );
}
