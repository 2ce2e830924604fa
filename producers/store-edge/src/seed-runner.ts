import { withTransaction } from '@retail-stream/runtime';
import { openingLots, startingStock, todayEpochDay, type SeedProduct } from '@retail-stream/fixtures';
import { seedStoreRows } from './db/store-repo.ts';
import { createStorePool, prepareStoreDatabase, storeDatabaseUrl } from './db/store-database.ts';
import type { StoreProfileInput } from './store-profile.ts';

export interface SeedLotOptions {
  /** Seed of the opening lots (the catalogue's seed); default 42. */
  seed?: number;
  /** The day opening lots are dated from (days since 1970-01-01); default today (UTC). */
  asOf?: number;
}

/**
 * Creates, migrates and fills one store's database in a single transaction. Re-running is safe
 * (see seedStoreRows): stock that sales have moved is never rewritten. Medicines get opening lots
 * (fixtures' openingLots: some expiring soon, some already expired) summing to their opening stock.
 */
export async function seedStore(
  adminUrl: string,
  store: StoreProfileInput,
  products: readonly SeedProduct[],
  lotOptions: SeedLotOptions = {},
): Promise<void> {
  await prepareStoreDatabase(adminUrl, store.store_id);
  const pool = createStorePool(storeDatabaseUrl(adminUrl, store.store_id), 1);
  const asOf = lotOptions.asOf ?? todayEpochDay();
  try {
    await withTransaction(pool, (client) =>
      seedStoreRows(client, store, products, startingStock(store.store_id, products), (sku, quantity) =>
        openingLots(store.store_id, sku, quantity, { seed: lotOptions.seed, asOf }),
      ),
    );
  } finally {
    await pool.end();
  }
}
