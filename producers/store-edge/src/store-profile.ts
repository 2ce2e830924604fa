import type pg from 'pg';

export interface StoreProfile {
  store_id: string;
  name: string;
  timezone: string;
  currency: string;
  region: string;
}

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
