import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { buildEnrichment, skusOf } from './enrichment.ts';
import { ReferenceData } from './reference-data.ts';

const refs = () => {
  const r = new ReferenceData();
  r.upsertStore({
    store_id: 's001',
    name: 'RetailStream Hanoi Ba Dinh #1',
    region: 'VN-North',
    timezone: 'Asia/Ho_Chi_Minh',
    currency: 'VND',
    pharmacy_code: null,
    updated_at: 10,
  });
  r.upsertProduct({
    sku: 'SKU-TEA',
    barcode: '8930000000022',
    name: 'Green tea',
    category: 'Beverages',
    brand: 'Tan Hiep Phat',
    price_minor: 25_500,
    currency: 'VND',
    tax_rate_bp: 800,
    drug: null,
    updated_at: 10,
  });
  return r;
};

describe('enrichment', () => {
  it('joins store and product data; unknown SKUs flow with known=false and are counted', () => {
    const sale = new StoreEventFactory('s001').sale(12);
    const { enrichment, storeKnown, unknownProducts } = buildEnrichment(sale, refs(), 99);
    expect(storeKnown).toBe(true);
    expect(enrichment).toMatchObject({
      store_known: true,
      store_name: 'RetailStream Hanoi Ba Dinh #1',
      region: 'VN-North',
      timezone: 'Asia/Ho_Chi_Minh',
      ingested_at: 99,
      pharmacy_code: null,
    });
    expect(enrichment.products.map((p) => p.sku)).toEqual(sale.lines.map((l) => l.sku));
    expect(enrichment.products.find((p) => p.sku === 'SKU-TEA')).toEqual({
      sku: 'SKU-TEA',
      known: true,
      category: 'Beverages',
      brand: 'Tan Hiep Phat',
      drug: null,
    });
    expect(unknownProducts).toBe(sale.lines.length - 1);
    expect(
      enrichment.products.filter((p) => !p.known).every((p) => p.category === null && p.brand === null),
    ).toBe(true);
  });

  it('flags an unknown store with null name, region and timezone', () => {
    const { enrichment, storeKnown } = buildEnrichment(new StoreEventFactory('s999').adjustment(), refs(), 1);
    expect(storeKnown).toBe(false);
    expect(enrichment).toMatchObject({ store_known: false, store_name: null, region: null, timezone: null });
  });

  it('lists distinct SKUs of lines then stock, and none for payments', () => {
    const f = new StoreEventFactory('s001');
    const sale = f.sale(3);
    expect(skusOf(sale)).toEqual(sale.lines.map((l) => l.sku));
    expect(skusOf(f.paymentCaptured(sale))).toEqual([]);
    // A SKU sold on two lines and counted again in a stock change is named once, where first seen.
    const [a, b] = sale.lines;
    const repeated = { ...sale, lines: [b!, a!, { ...b!, line_no: 3 }], stock: [] };
    expect(skusOf(repeated)).toEqual([b!.sku, a!.sku]);
    const count = f.adjustment();
    const first = count.stock[0]!;
    expect(skusOf({ ...count, stock: [first, { ...first }, ...count.stock.slice(1)] })).toEqual(
      skusOf(count),
    );
    // Past the scan limit (a Set instead): the same answer, first-seen order kept.
    const long = {
      ...sale,
      stock: [],
      lines: Array.from({ length: 100 }, (_, i) => ({ ...a!, sku: `SKU-${i % 40}` })),
    };
    expect(skusOf(long)).toEqual(Array.from({ length: 40 }, (_, i) => `SKU-${i}`));
  });

  it('keeps the newest reference version and forgets tombstoned entries', () => {
    const r = refs();
    r.upsertStore({
      ...{ store_id: 's001', region: 'X', timezone: 'UTC', currency: 'VND', pharmacy_code: null },
      name: 'old',
      updated_at: 5,
    });
    expect(r.store('s001')!.name).toBe('RetailStream Hanoi Ba Dinh #1');
    r.upsertStore({
      store_id: 's001',
      name: 'new',
      region: 'X',
      timezone: 'UTC',
      currency: 'VND',
      pharmacy_code: null,
      updated_at: 11,
    });
    expect(r.store('s001')!.name).toBe('new');
    r.removeProduct('SKU-TEA');
    expect(r.product('SKU-TEA')).toBeUndefined();
  });
});
