import { withTransaction } from '@retail-stream/runtime';
import { startingStock, type SeedProduct } from '@retail-stream/fixtures';
import { seedStoreRows } from './db/store-repo.ts';
import { createStorePool, prepareStoreDatabase, storeDatabaseUrl } from './db/store-database.ts';
import type { StoreProfile } from './store-profile.ts';

/**
 * Creates, migrates and fills one store's database in a single transaction. Re-running is safe
 * (see seedStoreRows): stock that sales have moved is never rewritten.
 */
export async function seedStore(
  adminUrl: string,
  store: StoreProfile,
  products: readonly SeedProduct[],
): Promise<void> {
  await prepareStoreDatabase(adminUrl, store.store_id);
  const pool = createStorePool(storeDatabaseUrl(adminUrl, store.store_id), 1);
  try {
    await withTransaction(pool, (client) =>
      seedStoreRows(client, store, products, startingStock(store.store_id, products)),
    );
  } finally {
    await pool.end();
  }
}
