import { generateCatalogue, generateStores, seedStore } from '@retail-stream/store-edge';

export interface LoadStoresOptions {
  stores: number;
  prefix: string;
  skus: number;
  seed: number;
  /** Stores seeded at once. */
  concurrency?: number;
  onSeeded?: (storeId: string) => void;
}

/**
 * Creates, migrates and seeds the driver's store databases exactly as `npm run seed` and the demo
 * do (the store edge's own migrations and seed: store row, catalogue, store_sequence, epoch), so
 * the ids, catalogue and reference data match what ingest gets from publish-refs with the same
 * --stores/--prefix/--skus/--seed. Idempotent: an existing store is left as it is.
 */
export async function prepareLoadStores(adminUrl: string, opts: LoadStoresOptions): Promise<string[]> {
  const products = generateCatalogue(opts.skus, opts.seed);
  const stores = generateStores(opts.stores, { prefix: opts.prefix, seed: opts.seed });
  const queue = [...stores];
  await Promise.all(
    Array.from({ length: Math.min(opts.concurrency ?? 4, stores.length) }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        await seedStore(adminUrl, s, products, { seed: opts.seed });
        opts.onSeeded?.(s.store_id);
      }
    }),
  );
  return stores.map((s) => s.store_id);
}
