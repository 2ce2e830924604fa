import crypto from 'node:crypto';
import { AvroSerde } from '@retail-stream/runtime';
import {
  createTestTopic,
  deleteTestTopics,
  TestProducer,
  testEndpoints,
  TopicCollector,
} from '@retail-stream/runtime/testing';
import avro from 'avsc';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '../../infra/src/service-env.ts';
import { catalogue, eventSchema } from './catalogue.ts';
import type { SaleRecorded } from './generated/events.ts';
import { registerSchemas, type RegisterOptions } from './register.ts';
import { enrichedSaleFixture } from './testing/enriched-sale-fixture.ts';
import { registryAccess } from './testing/registry-access.ts';

/**
 * Issue 15's rolling upgrade: a registry holding the pre-issue-15 reference-based versions gets
 * the self-contained ones as new versions of the same subjects. Old producers keep writing old ids
 * until they are upgraded, so a topic carries both; every consumer must decode both.
 */

const endpoints = testEndpoints(serviceEnv());
const registry = registryAccess(endpoints.env);
const registryUrl = endpoints.registryUrl;
const prefix = `ci-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}-upgrade-`;
const options: RegisterOptions = { registryUrl, subjectPrefix: prefix, fetch: registry.fetch };
const topics: string[] = [];

afterAll(async () => {
  await deleteTestTopics(endpoints.brokers, topics);
  const subjects = ((await (await fetch(`${registryUrl}/subjects`)).json()) as string[]).filter((s) =>
    s.startsWith(prefix),
  );
  // Dependants first: a referenced version cannot be deleted while something references it.
  const rank = new Map(catalogue.schemas.map((s, i) => [prefix + s.fullName, i]));
  for (const subject of subjects.sort((a, b) => (rank.get(b) ?? 0) - (rank.get(a) ?? 0))) {
    const url = `${registryUrl}/subjects/${encodeURIComponent(subject)}`;
    await fetch(url, { method: 'DELETE', headers: registry.headers }).catch(() => undefined);
    await fetch(`${url}?permanent=true`, { method: 'DELETE', headers: registry.headers }).catch(
      () => undefined,
    );
  }
});

async function schemaById(id: number): Promise<{ schema: string; references?: { name: string }[] }> {
  const res = await fetch(`${registryUrl}/schemas/ids/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { schema: string; references?: { name: string }[] };
}

describe('rolling upgrade from reference-based to self-contained schemas', () => {
  it('records written with an old (reference-based) id and a new id on one topic both decode with AvroSerde', async () => {
    const producerSerde = registry.serde;
    const sale = eventSchema('SaleRecorded');
    const before = await registerSchemas(producerSerde, catalogue, { ...options, layout: 'references' });
    const after = await registerSchemas(producerSerde, catalogue, options);
    const oldId = before.get(sale.fullName)!.id;
    const newId = after.get(sale.fullName)!.id;
    expect(newId).not.toBe(oldId);
    // Same subject: the new form is version 2 of the record, checked against version 1.
    expect(after.get(sale.fullName)).toMatchObject({
      subject: prefix + sale.fullName,
      version: 2,
      references: [],
    });

    // The old id needs its references (three direct, three more through them); the new one none.
    const old = await schemaById(oldId);
    expect((old.references ?? []).map((r) => r.name).sort()).toEqual([
      'retail.events.Enrichment',
      'retail.events.SaleLine',
      'retail.events.StockChange',
    ]);
    expect(() => avro.Type.forSchema(JSON.parse(old.schema) as avro.Schema)).toThrow(/undefined type name/);
    const fresh = await schemaById(newId);
    expect(fresh.references ?? []).toEqual([]);
    expect(avro.Type.forSchema(JSON.parse(fresh.schema) as avro.Schema).name).toBe(sale.fullName);

    // An old producer (old id) and an upgraded one (new id) write to the same topic, as during the upgrade.
    const topic = await createTestTopic(endpoints.brokers, 'rolling-upgrade');
    topics.push(topic);
    const oldValue = enrichedSaleFixture({ store_seq: 1 });
    const newValue = enrichedSaleFixture({ store_seq: 2, event_id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c' });
    const producer = await TestProducer.connect(endpoints.brokers, 'rolling-upgrade');
    try {
      await producer.send(topic, [
        { key: oldValue.store_id, value: producerSerde.encodeWith(oldId, sale.type, oldValue) },
        { key: newValue.store_id, value: producerSerde.encodeWith(newId, sale.type, newValue) },
      ]);
    } finally {
      await producer.close();
    }
    const collector = await new TopicCollector(endpoints.brokers, topic, 'rolling-upgrade').start();
    try {
      await collector.waitForCount(2);
    } finally {
      await collector.stop();
    }

    // A consumer that has never seen either id fetches both by id: references resolved for the old
    // one, the new one parsed alone.
    const consumer = AvroSerde.fromUrl(registryUrl);
    const decoded = [];
    for (const m of collector.messages) decoded.push(await consumer.decode<SaleRecorded>(m.value));
    expect(decoded.map((d) => d.schemaId)).toEqual([oldId, newId]);
    expect(decoded.map((d) => d.type.name)).toEqual([sale.fullName, sale.fullName]);
    expect(decoded[0]!.value).toEqual(oldValue);
    expect(decoded[1]!.value).toEqual(newValue);
    // Both writer types are the catalogue's: consumers resolve neither (same canonical form).
    for (const d of decoded) expect(d.type.fingerprint().equals(sale.type.fingerprint())).toBe(true);
    // The deepest nesting made it through both: Enrichment → ProductRef → DrugInfo, lots.
    expect(decoded[0]!.value.enrichment!.products[0]!.drug!.national_drug_code).toBe('VN-12345-67');
    expect(decoded[1]!.value.stock[0]!.lots[0]!.lot_no).toBe('L-2026-07');
  });
});
