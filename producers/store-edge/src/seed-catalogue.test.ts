import { describe, expect, it } from 'vitest';
import { STORE_ID } from './db/store-database.ts';
import { isValidEan13 } from './ean13.ts';
import { generateCatalogue, PRICE_MAX, PRICE_MIN, startingStock } from './seed-catalogue.ts';
import { generateStores } from './seed-stores.ts';

describe('seed catalogue', () => {
  const products = generateCatalogue(2_000);

  it('has 2 000 unique SKUs with valid, unique EAN-13 barcodes', () => {
    expect(products).toHaveLength(2_000);
    expect(new Set(products.map((p) => p.sku)).size).toBe(2_000);
    expect(new Set(products.map((p) => p.barcode)).size).toBe(2_000);
    expect(products.every((p) => isValidEan13(p.barcode) && p.barcode.startsWith('893'))).toBe(true);
  });

  it('prices VND in 500 steps within the band, with VAT bands as basis points', () => {
    expect(products.every((p) => Number.isInteger(p.price_minor) && p.price_minor % 500 === 0)).toBe(true);
    expect(Math.min(...products.map((p) => p.price_minor))).toBeGreaterThanOrEqual(PRICE_MIN);
    expect(Math.max(...products.map((p) => p.price_minor))).toBeLessThanOrEqual(PRICE_MAX);
    expect(new Set(products.map((p) => p.tax_rate_bp))).toEqual(new Set([0, 500, 800, 1000]));
    expect(new Set(products.map((p) => p.category)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(products.map((p) => p.brand)).size).toBeGreaterThanOrEqual(30);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateCatalogue(2_000)).toEqual(products);
    const other = generateCatalogue(2_000, 7);
    expect(other.map((p) => p.sku)).toEqual(products.map((p) => p.sku));
    expect(other.map((p) => p.price_minor)).not.toEqual(products.map((p) => p.price_minor));
  });

  it('gives each store reproducible opening stock of its own', () => {
    const a = startingStock('s001', products);
    expect(startingStock('s001', products)).toEqual(a);
    expect(startingStock('s002', products)).not.toEqual(a);
    expect(a.every((n) => Number.isInteger(n) && n >= 0 && n <= 200)).toBe(true);
    expect(a.filter((n) => n === 0).length).toBeGreaterThan(0);
  });
});

describe('seed stores', () => {
  it('names any number of stores with valid ids, zones and regions, deterministically', () => {
    const stores = generateStores(25);
    expect(stores.map((s) => s.store_id).slice(0, 3)).toEqual(['s001', 's002', 's003']);
    expect(new Set(stores.map((s) => s.store_id)).size).toBe(25);
    expect(stores.every((s) => STORE_ID.test(s.store_id) && s.currency === 'VND')).toBe(true);
    for (const s of stores)
      expect(() => new Intl.DateTimeFormat('en', { timeZone: s.timezone })).not.toThrow();
    expect(new Set(stores.map((s) => s.timezone)).size).toBeGreaterThanOrEqual(3);
    expect(generateStores(25)).toEqual(stores);
    expect(generateStores(2, { first: 24 })).toEqual(stores.slice(23, 25));
    expect(generateStores(1, { first: 1234, prefix: 'x' })[0]!.store_id).toBe('x1234');
  });
});
