import { WIRE_HEADER_BYTES } from '@retail-stream/runtime';
import { eventSchema, type StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { encodeEnriched } from './enriched-encoder.ts';
import type { Enrichment } from '@retail-stream/schemas';

const enrichment: Enrichment = {
  store_known: true,
  store_name: 'RetailStream Da Nang Hai Chau #3',
  region: 'VN-Central',
  timezone: 'Asia/Ho_Chi_Minh',
  products: [{ sku: 'SKU-TEA', known: true, category: 'Beverages', brand: 'X', drug: null }],
  ingested_at: 1_763_800_000_123,
  pharmacy_code: null,
};

function wire(id: number, e: StoreEvent): Buffer {
  const body = eventSchema(e.event_type).type.toBuffer(e);
  return Buffer.concat([Buffer.from([0, 0, 0, 0, id]), body]);
}

describe('enriched encoder', () => {
  it('fast path gives exactly the bytes of a full encode, for every store event type', () => {
    for (const e of new StoreEventFactory('s003').mixed(200)) {
      const type = eventSchema(e.event_type).type;
      const raw = wire(7, e);
      const fast = encodeEnriched(raw, e, enrichment, type, 9, true, true);
      const full = encodeEnriched(raw, e, enrichment, type, 9, true, false);
      expect(fast.equals(full), e.event_type).toBe(true);
      expect(fast.readInt32BE(1)).toBe(9);
      expect(type.fromBuffer(fast.subarray(WIRE_HEADER_BYTES))).toEqual({ ...e, enrichment });
    }
  });

  it('splices an enrichment larger than its scratch buffer, and a small one after it', () => {
    const e = new StoreEventFactory('s003').sale();
    const type = eventSchema('SaleRecorded').type;
    const raw = wire(7, e);
    const product = enrichment.products[0]!;
    const many = {
      ...enrichment,
      products: Array.from({ length: 2000 }, (_, i) => ({ ...product, sku: `SKU-${i}` })),
    };
    for (const en of [many, enrichment, many]) {
      const fast = encodeEnriched(raw, e, en, type, 9, true, true);
      expect(fast.equals(encodeEnriched(raw, e, en, type, 9, true, false))).toBe(true);
    }
    expect(encodeEnriched(raw, e, many, type, 9, true, true).length).toBeGreaterThan(32 * 1024);
  });

  it('re-encodes in full when the writer schema is not the current one', () => {
    const e = new StoreEventFactory('s003').sale();
    const type = eventSchema('SaleRecorded').type;
    // A raw body that would be wrong to splice (the writer schema differs): must not be reused.
    const raw = Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), Buffer.from([1, 2, 3, 0])]);
    const out = encodeEnriched(raw, e, enrichment, type, 9, false, true);
    expect(type.fromBuffer(out.subarray(WIRE_HEADER_BYTES))).toEqual({ ...e, enrichment });
  });
});
