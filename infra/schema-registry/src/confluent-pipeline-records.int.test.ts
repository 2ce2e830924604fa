import { AvroDeserializer, SerdeType, SubjectNameStrategyType } from '@confluentinc/schemaregistry';
import { emptyMeasures, addEvent, kpiKey, kpiRecord, fixedWindow } from '@retail-stream/kpi-windows';
import {
  buildEnrichment,
  encodeEnriched,
  gapAlertMessage,
  ReferenceData,
} from '@retail-stream/ingest-processor';
import { AvroSerde } from '@retail-stream/runtime';
import {
  catalogue,
  eventSchema,
  messageKey,
  posEventRecord,
  registerAll,
  TOPICS,
  type ProductUpserted,
  type StoreEvent,
  type StoreUpserted,
} from '@retail-stream/schemas';
import { FACTORY_PRODUCTS, StoreEventFactory } from '@retail-stream/schemas/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { confluentClient, registryHeaders, registryUnderTest } from './confluent-testing.ts';

/**
 * Issue 15: Confluent's own JavaScript deserializer (`@confluentinc/schemaregistry`, what a data
 * engineer points at our topics) decodes a record of every schema every topic of the pipeline
 * carries. The records are made by the pipeline's own encoders (the relay's and gateway's
 * posEventRecord, ingest's enriched encoder and gap alerts, the KPI processor's kpiRecord, the
 * reference publisher's encoding) with the ids `registerAll` gives them, then read back with
 * nothing but the registry URL.
 */

const registry = registryUnderTest();
const authFetch: typeof fetch = (input, init) =>
  fetch(input, { ...init, headers: { ...registryHeaders(registry), ...(init?.headers as object) } });
const serde = AvroSerde.fromConfig({ SCHEMA_REGISTRY_URL: registry.url, ...registry.env });
let ids: Record<string, number>;
/** Event types Confluent's deserializer decoded, for the coverage check at the end. */
const decodedTypes = new Set<string>();

// A fresh client per test file, as a newcomer's script has: nothing cached, every id fetched.
const deserializer = new AvroDeserializer(confluentClient(registry), SerdeType.VALUE, {});

async function confluentDecode(topic: string, value: Buffer): Promise<Record<string, unknown>> {
  const decoded = (await deserializer.deserialize(topic, value)) as Record<string, unknown>;
  return decoded;
}

const now = 1_765_000_000_000;
const store: StoreUpserted = {
  store_id: 'CONF-001',
  name: 'Nhà thuốc Conformance',
  region: 'HCM',
  timezone: 'Asia/Ho_Chi_Minh',
  currency: 'VND',
  pharmacy_code: 'HCM-PH-0999',
  updated_at: now,
};
const products = FACTORY_PRODUCTS.map((p, i): ProductUpserted => ({
  sku: p.sku,
  barcode: p.barcode,
  name: p.name,
  category: p.category,
  brand: `Brand ${i}`,
  price_minor: p.price,
  currency: 'VND',
  tax_rate_bp: p.bp,
  // Every other product a medicine: ProductRef.drug set, the deepest nesting of the catalogue.
  drug:
    i % 2 === 0
      ? {
          national_drug_code: `VN-${1000 + i}`,
          registration_no: `VD-${i}-26`,
          unit: 'Hộp',
          strength: null,
          route: 'oral',
          dosage: null,
          conversion_ratio: 1,
        }
      : null,
  updated_at: now,
}));

beforeAll(async () => {
  ids = await registerAll(serde, { registryUrl: registry.url, fetch: authFetch });
});

describe("Confluent's AvroDeserializer reads every record the pipeline writes", () => {
  it('the registry hands out every top-level schema self-contained', async () => {
    const client = confluentClient(registry);
    for (const eventType of catalogue.eventTypes) {
      const info = await client.getBySubjectAndId('', ids[eventType]!);
      expect(info.references ?? [], eventType).toEqual([]);
      expect(JSON.parse(info.schema).name, eventType).toBe(eventType);
    }
  });

  it('retail.pos.events: every store event type, as the relay and gateway encode it', async () => {
    const events = new StoreEventFactory(store.store_id, undefined, 1, () => now).oneOfEach();
    expect(new Set(events.map((e) => e.event_type))).toEqual(new Set(catalogue.storeEventTypes));
    for (const event of events) {
      const record = posEventRecord(serde, (t) => ids[t], event);
      const decoded = await confluentDecode(TOPICS.posEvents, record.value);
      expect(decoded, event.event_type).toEqual(event);
      expect(record.key).toBe(decoded.store_id);
      decodedTypes.add(event.event_type);
    }
  });

  it("retail.events.enriched: ingest's encoder (byte-spliced fast path and full encode) with products and drug data", async () => {
    const refs = new ReferenceData();
    refs.upsertStore(store);
    for (const p of products) refs.upsertProduct(p);
    const events: StoreEvent[] = new StoreEventFactory(store.store_id, undefined, 100, () => now).oneOfEach();
    let withDrug = 0;
    for (const event of events) {
      const schema = eventSchema(event.event_type);
      const raw = posEventRecord(serde, (t) => ids[t], event).value;
      const { enrichment } = buildEnrichment(event, refs, now + 5);
      const fast = encodeEnriched(raw, event, enrichment, schema.type, ids[event.event_type]!, true);
      const full = encodeEnriched(raw, event, enrichment, schema.type, ids[event.event_type]!, true, false);
      expect(fast.equals(full), event.event_type).toBe(true);
      const decoded = await confluentDecode(TOPICS.enrichedEvents, fast);
      expect(decoded, event.event_type).toEqual({ ...event, enrichment });
      withDrug += enrichment.products.filter((p) => p.drug !== null).length;
    }
    // The data that failed before issue 15 ("undefined type name: retail.events.ProductRef").
    expect(withDrug).toBeGreaterThan(0);
  });

  it('retail.ref.stores and retail.ref.products: StoreUpserted and ProductUpserted as publish-refs encodes them', async () => {
    const encode = (type: 'StoreUpserted' | 'ProductUpserted', value: object) =>
      serde.encodeWith(ids[type]!, eventSchema(type).type, value);
    expect(await confluentDecode(TOPICS.refStores, encode('StoreUpserted', store))).toEqual(store);
    for (const p of products) {
      expect(await confluentDecode(TOPICS.refProducts, encode('ProductUpserted', p))).toEqual(p);
    }
    decodedTypes.add('StoreUpserted').add('ProductUpserted');
  });

  it('retail.kpi.windows: KpiWindowUpdated as the KPI processor builds it, map of payments included', async () => {
    const m = emptyMeasures();
    const factory = new StoreEventFactory(store.store_id, undefined, 200, () => now);
    const sale = factory.sale(3);
    for (const ev of [sale, factory.paymentCaptured(sale)]) addEvent(m, ev);
    const rec = kpiRecord({
      storeId: store.store_id,
      w: fixedWindow('M15', now),
      m,
      currency: 'VND',
      revision: 3,
      isFinal: false,
      now,
    });
    expect(kpiKey(rec)).toBe(messageKey('KpiWindowUpdated', rec as unknown as Record<string, unknown>));
    const value = serde.encodeWith(ids.KpiWindowUpdated!, eventSchema('KpiWindowUpdated').type, rec);
    const decoded = await confluentDecode(TOPICS.kpiWindows, value);
    expect(decoded).toEqual(rec);
    expect(
      Object.values(decoded.payments_by_method as object).reduce((a: number, b: number) => a + b, 0),
    ).toBe(sale.total_minor);
    decodedTypes.add('KpiWindowUpdated');
  });

  it("retail.ops.alerts: SequenceGapDetected as ingest's gap alerts encode it", async () => {
    const report = {
      status: 'OPEN',
      firstMissing: 7,
      lastMissing: 9,
      highestSeen: 10,
      openedAt: now - 60_000,
    };
    const message = gapAlertMessage(
      serde,
      ids.SequenceGapDetected!,
      { storeId: store.store_id, report: report as never },
      now,
    );
    const decoded = await confluentDecode(TOPICS.opsAlerts, message.value as Buffer);
    expect(decoded).toMatchObject({
      store_id: store.store_id,
      status: 'OPEN',
      first_missing_seq: 7,
      last_missing_seq: 9,
      highest_seen_seq: 10,
      gap_opened_at: now - 60_000,
      reported_at: now,
    });
    decodedTypes.add('SequenceGapDetected');
  });

  it('with RecordNameStrategy and the latest schema as reader, as a Java-style consumer would configure it', async () => {
    const reader = new AvroDeserializer(confluentClient(registry), SerdeType.VALUE, {
      subjectNameStrategyType: SubjectNameStrategyType.RECORD,
      useLatestVersion: true,
    });
    const [sale] = new StoreEventFactory(store.store_id, undefined, 300, () => now).oneOfEach();
    const record = posEventRecord(serde, (t) => ids[t], sale);
    // The subject is the record's full name (retail.events.SaleRecorded), looked up by the client.
    expect(await reader.deserialize(TOPICS.posEvents, record.value)).toEqual(sale);
  });

  it('covered every top-level record of the catalogue', () => {
    expect([...decodedTypes].sort()).toEqual([...catalogue.eventTypes].sort());
  });
});
