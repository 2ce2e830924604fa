import type pg from 'pg';
import type { SeedProduct } from '@retail-stream/fixtures';
import type { LotQuantity } from '@retail-stream/schemas';
import type { StoreProfile, StoreProfileInput } from '../store-profile.ts';

/**
 * Makes sure the store row and its sequence counter exist (an unseeded store starts with the
 * config's defaults) and returns the store's metadata. Existing metadata wins over config: the
 * seed or HQ owns it.
 */
export async function ensureStoreProfile(pool: pg.Pool, defaults: StoreProfileInput): Promise<StoreProfile> {
  await pool.query(
    `INSERT INTO store (store_id, name, timezone, currency, region, pharmacy_code) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (store_id) DO NOTHING`,
    [
      defaults.store_id,
      defaults.name,
      defaults.timezone,
      defaults.currency,
      defaults.region,
      defaults.pharmacy_code ?? null,
    ],
  );
  await pool.query('INSERT INTO store_sequence (store_id) VALUES ($1) ON CONFLICT (store_id) DO NOTHING', [
    defaults.store_id,
  ]);
  const { rows } = await pool.query<StoreProfile>(
    'SELECT store_id, name, timezone, currency, region, pharmacy_code FROM store WHERE store_id = $1',
    [defaults.store_id],
  );
  return rows[0]!;
}

/**
 * Seeds a store in the caller's transaction: metadata and catalogue are upserted (the catalogue is
 * HQ's to change), but stock is only set for SKUs the store has never held, so re-seeding never
 * rewrites stock that sales have moved. A medicine with stock but no lot at all (a new store, or one
 * seeded before lots existed) gets opening lots (`openingLots`) summing to its current on_hand.
 */
export async function seedStoreRows(
  client: pg.ClientBase,
  store: StoreProfileInput,
  products: readonly SeedProduct[],
  openingStock: readonly number[],
  openingLots: (sku: string, quantity: number) => LotQuantity[] = () => [],
): Promise<void> {
  await client.query(
    `INSERT INTO store (store_id, name, timezone, currency, region, pharmacy_code) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (store_id) DO UPDATE SET name = EXCLUDED.name, timezone = EXCLUDED.timezone,
       currency = EXCLUDED.currency, region = EXCLUDED.region, pharmacy_code = EXCLUDED.pharmacy_code, updated_at = now()`,
    [store.store_id, store.name, store.timezone, store.currency, store.region, store.pharmacy_code ?? null],
  );
  await client.query('INSERT INTO store_sequence (store_id) VALUES ($1) ON CONFLICT DO NOTHING', [
    store.store_id,
  ]);
  await client.query(
    `INSERT INTO local_catalog (sku, barcode, name, category, brand, price_minor, tax_rate_bp, drug)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::jsonb[])
     ON CONFLICT (sku) DO UPDATE SET barcode = EXCLUDED.barcode, name = EXCLUDED.name, category = EXCLUDED.category,
       brand = EXCLUDED.brand, price_minor = EXCLUDED.price_minor, tax_rate_bp = EXCLUDED.tax_rate_bp,
       drug = EXCLUDED.drug, updated_at = now()`,
    [
      products.map((p) => p.sku),
      products.map((p) => p.barcode),
      products.map((p) => p.name),
      products.map((p) => p.category),
      products.map((p) => p.brand),
      products.map((p) => p.price_minor),
      products.map((p) => p.tax_rate_bp),
      // Catalogues built before medicines existed have no drug field.
      products.map((p) => (p.drug ? JSON.stringify(p.drug) : null)),
    ],
  );
  await client.query(
    `INSERT INTO local_inventory (store_id, sku, on_hand)
     SELECT $1, s.sku, s.on_hand FROM unnest($2::text[], $3::int[]) AS s(sku, on_hand)
     ON CONFLICT (store_id, sku) DO NOTHING`,
    [store.store_id, products.map((p) => p.sku), openingStock],
  );
  const { rows: unlotted } = await client.query<{ sku: string; on_hand: number }>(
    `SELECT i.sku, i.on_hand FROM local_inventory i JOIN local_catalog c ON c.sku = i.sku
      WHERE i.store_id = $1 AND c.drug IS NOT NULL AND i.on_hand > 0
        AND NOT EXISTS (SELECT 1 FROM stock_lots l WHERE l.store_id = i.store_id AND l.sku = i.sku)
      ORDER BY i.sku`,
    [store.store_id],
  );
  const lots = unlotted.flatMap((u) => openingLots(u.sku, u.on_hand).map((l) => ({ ...l, sku: u.sku })));
  await client.query(
    `INSERT INTO stock_lots (store_id, sku, lot_no, manufactured_on, expires_on, on_hand)
     SELECT $1, l.sku, l.lot_no, DATE '1970-01-01' + l.m, DATE '1970-01-01' + l.e, l.q
       FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::int[]) AS l(sku, lot_no, m, e, q)`,
    [
      store.store_id,
      lots.map((l) => l.sku),
      lots.map((l) => l.lot_no),
      lots.map((l) => l.manufactured_on),
      lots.map((l) => l.expires_on),
      lots.map((l) => l.quantity),
    ],
  );
}
