import type { ProductUpserted, StoreUpserted } from '@retail-stream/schemas';
// The store edge's own seed generators (not exported by its package), so the reference data names
// exactly the stores and SKUs `npm run seed -w @retail-stream/store-edge` creates.
import { generateCatalogue, generateStores } from '@retail-stream/fixtures';

export interface SeedOptions {
  stores: number;
  skus: number;
  first: number;
  prefix: string;
  seed: number;
}

/** StoreUpserted records of the seeded stores (same ids, names, regions, time zones, currency). */
export function seededStores(o: SeedOptions, now: number): StoreUpserted[] {
  return generateStores(o.stores, { first: o.first, prefix: o.prefix, seed: o.seed }).map((s) => ({
    store_id: s.store_id,
    name: s.name,
    region: s.region,
    timezone: s.timezone,
    currency: s.currency,
    pharmacy_code: null,
    updated_at: now,
  }));
}

/** ProductUpserted records of the seeded catalogue (prices in VND, as the store edge sells). */
export function seededProducts(o: SeedOptions, now: number): ProductUpserted[] {
  return generateCatalogue(o.skus, o.seed).map((p) => ({
    sku: p.sku,
    barcode: p.barcode,
    name: p.name,
    category: p.category,
    brand: p.brand,
    price_minor: p.price_minor,
    currency: 'VND',
    tax_rate_bp: p.tax_rate_bp,
    drug: null,
    updated_at: now,
  }));
}
