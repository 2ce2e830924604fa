import { describe, expect, it } from 'vitest';
import { eventSchema } from '@retail-stream/schemas';
import { generateCatalogue, generateStores } from '@retail-stream/fixtures';
import { seededProducts, seededStores, type SeedOptions } from './reference-records.ts';

const opts: SeedOptions = { stores: 12, skus: 400, first: 1, prefix: 's', seed: 42 };
const NOW = 1_800_000_000_000;

describe('reference records of the seed', () => {
  it('name the pharmacy code (ma_co_so) of exactly the stores the seed makes pharmacies', () => {
    const seeded = generateStores(opts.stores, opts);
    const records = seededStores(opts, NOW);
    expect(records.map((r) => r.store_id)).toEqual(seeded.map((s) => s.store_id));
    expect(records.map((r) => r.pharmacy_code)).toEqual(seeded.map((s) => s.pharmacy_code ?? null));
    // The seed has both kinds of store, so both paths are exercised here.
    const pharmacies = records.filter((r) => r.pharmacy_code !== null);
    expect(pharmacies.length).toBeGreaterThan(0);
    expect(pharmacies.length).toBeLessThan(records.length);
    for (const r of records) {
      expect(eventSchema('StoreUpserted').type.isValid(r)).toBe(true);
      expect(r.updated_at).toBe(NOW);
    }
  });

  it("carry each medicine's national drug list entry (DrugInfo) and null for other products", () => {
    const catalogue = generateCatalogue(opts.skus, opts.seed);
    const records = seededProducts(opts, NOW);
    expect(records.map((r) => r.sku)).toEqual(catalogue.map((p) => p.sku));
    const drugs = records.filter((r) => r.drug !== null);
    expect(drugs.length).toBeGreaterThan(0);
    expect(drugs.length).toBeLessThan(records.length);
    for (const [i, r] of records.entries()) {
      const drug = catalogue[i]!.drug;
      expect(r.drug).toEqual(
        drug
          ? {
              national_drug_code: drug.national_drug_code,
              registration_no: drug.registration_no,
              unit: drug.unit,
              strength: drug.strength,
              route: drug.route,
              dosage: drug.dosage,
              conversion_ratio: drug.conversion_ratio,
            }
          : null,
      );
      // What publish-refs encodes must be a valid ProductUpserted (a stray field or a wrong type fails here).
      expect(eventSchema('ProductUpserted').type.isValid(r)).toBe(true);
    }
    expect(
      drugs.every((r) => /^\S+$/.test(r.drug!.national_drug_code) && r.drug!.conversion_ratio >= 1),
    ).toBe(true);
  });

  it('are the same for the same seed flags (publish-refs is idempotent)', () => {
    expect(seededStores(opts, NOW)).toEqual(seededStores(opts, NOW));
    expect(seededProducts(opts, NOW)).toEqual(seededProducts(opts, NOW));
  });
});
