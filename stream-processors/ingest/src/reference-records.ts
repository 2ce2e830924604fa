import type { DrugInfo, ProductUpserted, StoreUpserted } from '@retail-stream/schemas';
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

/**
 * StoreUpserted records of the seeded stores (same ids, names, regions, time zones, currency), with
 * the pharmacy code (ma_co_so) of the stores the seed makes pharmacies, so ingest's enrichment and
 * the national pharmacy sync know which stores report to the authority.
 */
export function seededStores(o: SeedOptions, now: number): StoreUpserted[] {
  return generateStores(o.stores, { first: o.first, prefix: o.prefix, seed: o.seed }).map((s) => ({
    store_id: s.store_id,
    name: s.name,
    region: s.region,
    timezone: s.timezone,
    currency: s.currency,
    pharmacy_code: s.pharmacy_code ?? null,
    updated_at: now,
  }));
}

/**
 * ProductUpserted records of the seeded catalogue (prices in VND, as the store edge sells), with the
 * national drug list entry (DrugInfo) of the products that are medicines.
 */
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
    drug: p.drug ? drugInfo(p.drug) : null,
    updated_at: now,
  }));
}

/** Exactly the DrugInfo fields (the Avro record), whatever else the fixture's object carries. */
function drugInfo(d: DrugInfo): DrugInfo {
  return {
    national_drug_code: d.national_drug_code,
    registration_no: d.registration_no,
    unit: d.unit,
    strength: d.strength ?? null,
    route: d.route ?? null,
    dosage: d.dosage ?? null,
    conversion_ratio: d.conversion_ratio ?? 1,
  };
}
