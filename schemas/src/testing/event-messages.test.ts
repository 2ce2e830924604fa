import { AvroSerde, WIRE_HEADER_BYTES } from '@retail-stream/runtime';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { catalogue, eventSchema } from '../catalogue.ts';
import type { StoreEvent } from '../generated/events.ts';
import { eventSkus, kpiWindowMessage, storeEventMessage } from './event-messages.ts';
import { kpiWindowFixture } from './kpi-window-fixture.ts';
import { StoreEventFactory } from './store-event-factory.ts';

// encodeWith never touches the registry; a client pointed nowhere proves it.
const serde = AvroSerde.fromUrl('http://127.0.0.1:9');
const ids: Record<string, number> = Object.fromEntries(
  [...catalogue.events.keys()].map((t, i) => [t, 200 + i]),
);

function decode(value: Buffer, eventType: string): unknown {
  const registry: Record<string, avro.Type> = {};
  for (const s of catalogue.schemas)
    avro.Type.forSchema(JSON.parse(s.schemaText) as avro.Schema, { registry });
  return registry[eventSchema(eventType).fullName]!.fromBuffer(value.subarray(WIRE_HEADER_BYTES));
}

describe('storeEventMessage', () => {
  it('keys by store, sets the three headers and encodes under the type id, enrichment included', () => {
    const factory = new StoreEventFactory('s042');
    const sale = factory.sale(2);
    const enriched: StoreEvent = {
      ...sale,
      enrichment: {
        store_known: true,
        store_name: 'Store s042',
        region: 'South',
        timezone: 'Asia/Ho_Chi_Minh',
        products: eventSkus(sale).map((sku) => ({
          sku,
          known: true,
          category: 'Food',
          brand: null,
          drug: null,
        })),
        ingested_at: sale.occurred_at + 5,
        pharmacy_code: null,
      },
    };
    const m = storeEventMessage(serde, ids, enriched);
    expect(m.key).toBe('s042');
    expect(m.headers).toEqual({
      event_type: 'SaleRecorded',
      event_id: sale.event_id,
      trace_id: sale.trace_id,
    });
    expect(m.value.readInt32BE(1)).toBe(ids.SaleRecorded);
    expect(decode(m.value, 'SaleRecorded')).toEqual(enriched);
  });

  it('refuses a type the ids do not cover', () => {
    const sale = new StoreEventFactory('s1').sale(1);
    expect(() => storeEventMessage(serde, {}, sale)).toThrow(/no registry id for SaleRecorded/);
  });
});

describe('kpiWindowMessage', () => {
  it('keys by scope|window_size|window_start and has no headers', () => {
    const k = kpiWindowFixture({ revision: 3 });
    const m = kpiWindowMessage(serde, ids, k);
    expect(m.key).toBe('store:s1|M15|1763769600000');
    expect(m.headers).toBeUndefined();
    expect(m.value.readInt32BE(1)).toBe(ids.KpiWindowUpdated);
    expect(decode(m.value, 'KpiWindowUpdated')).toMatchObject(k);
  });
});

describe('eventSkus', () => {
  it('lists sale line and stock SKUs once each', () => {
    const sale = new StoreEventFactory('s1').sale(3);
    const skus = eventSkus(sale);
    expect(new Set(skus).size).toBe(skus.length);
    for (const l of sale.lines) expect(skus).toContain(l.sku);
    for (const s of sale.stock) expect(skus).toContain(s.sku);
  });
});
