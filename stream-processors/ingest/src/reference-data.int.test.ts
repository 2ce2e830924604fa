import { decodeAll, waitFor } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { metricValue, posMessage, rawRecord } from '../test/ingest-harness.ts';
import { useIngestTestBed } from '../test/fixture.ts';

const bed = useIngestTestBed();
const { config, serde } = bed;

describe('ingest processor: reference data', () => {
  it('flags unknown stores and products, and enriches with reference data that arrives after start', async () => {
    const ids = await bed.prepare(1);
    const feed = await bed.feed();
    // Known before start: one product only.
    await feed.send(config.INGEST_REF_PRODUCTS_TOPIC, [
      rawRecord(serde, ids, 'ProductUpserted', 'SKU-TEA', product('SKU-TEA', 'Beverages', 'Tan Hiep Phat')),
    ]);
    const running = await bed.start();
    expect(running.processor.refs.productCount).toBe(1);
    const enriched = await bed.collect(config.INGEST_OUTPUT_TOPIC, 'ingest-it-r');

    const f = new StoreEventFactory('s042');
    const first = f.sale(12);
    await feed.send(config.INGEST_INPUT_TOPIC, [posMessage(serde, ids, first)]);
    await enriched.waitForCount(1);
    const [before] = await decodeAll<StoreEvent>(serde, enriched.messages);
    expect(before!.enrichment).toMatchObject({
      store_known: false,
      store_name: null,
      region: null,
      timezone: null,
    });
    const tea = before!.enrichment!.products.find((p) => p.sku === 'SKU-TEA');
    expect(tea).toEqual({
      sku: 'SKU-TEA',
      known: true,
      category: 'Beverages',
      brand: 'Tan Hiep Phat',
      drug: null,
    });
    expect(before!.enrichment!.products.filter((p) => !p.known)).toHaveLength(first.lines.length - 1);
    expect(await metricValue(running.metrics, 'retail_ingest_unknown_refs_total', { kind: 'store' })).toBe(1);
    expect(await metricValue(running.metrics, 'retail_ingest_unknown_refs_total', { kind: 'product' })).toBe(
      first.lines.length - 1,
    );

    // Reference data published while running reaches the enrichment of later events.
    await feed.send(config.INGEST_REF_STORES_TOPIC, [
      rawRecord(serde, ids, 'StoreUpserted', 's042', {
        store_id: 's042',
        name: 'RetailStream Can Tho Ninh Kieu #42',
        region: 'VN-South',
        timezone: 'Asia/Ho_Chi_Minh',
        currency: 'VND',
        updated_at: Date.now(),
      }),
    ]);
    await feed.send(config.INGEST_REF_PRODUCTS_TOPIC, [
      rawRecord(serde, ids, 'ProductUpserted', 'SKU-RICE', product('SKU-RICE', 'Food', 'Vinafood')),
    ]);
    await waitFor(() => running.processor.refs.store('s042') && running.processor.refs.product('SKU-RICE'), {
      what: 'reference data applied',
    });
    const later = f.sale(12);
    await feed.send(config.INGEST_INPUT_TOPIC, [posMessage(serde, ids, later)]);
    await enriched.waitForCount(2);
    const [, after] = await decodeAll<StoreEvent>(serde, enriched.messages);
    expect(after!.event_id).toBe(later.event_id);
    expect(after!.enrichment).toMatchObject({
      store_known: true,
      store_name: 'RetailStream Can Tho Ninh Kieu #42',
      region: 'VN-South',
      timezone: 'Asia/Ho_Chi_Minh',
    });
    expect(after!.enrichment!.products.find((p) => p.sku === 'SKU-RICE')).toEqual({
      sku: 'SKU-RICE',
      known: true,
      category: 'Food',
      brand: 'Vinafood',
      drug: null,
    });
  });
});

function product(sku: string, category: string, brand: string) {
  return {
    sku,
    barcode: '8930000000022',
    name: sku,
    category,
    brand,
    price_minor: 10_000,
    currency: 'VND',
    tax_rate_bp: 800,
    updated_at: Date.now(),
  };
}
