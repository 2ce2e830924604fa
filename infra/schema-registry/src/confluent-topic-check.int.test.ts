import crypto from 'node:crypto';
import { AvroDeserializer, SerdeType } from '@confluentinc/schemaregistry';
import { createKafka, createLogger, kafkaConfig } from '@retail-stream/runtime';
import {
  createTestTopic,
  deleteTestTopics,
  TestProducer,
  testEndpoints,
} from '@retail-stream/runtime/testing';
import { catalogue, eventSchema, registerAll, registerSchemas } from '@retail-stream/schemas';
import { enrichedSaleFixture, kpiWindowFixture, registryAccess } from '@retail-stream/schemas/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { confluentClient, deleteSubjects, registryUnderTest } from './confluent-testing.ts';
import { decodeTopicsWithConfluent } from './confluent-topic-check.ts';

/**
 * The check behind `scripts/confluent-decode-topics.ts` (run after the demo): it must count what
 * Confluent's deserializer decodes per record type, skip tombstones, and report (not hide) a record
 * it cannot decode, here one written with a pre-issue-15 nested-reference id.
 */

const endpoints = testEndpoints(registryUnderTest().env);
const registry = registryAccess(endpoints.env);
const prefix = `ci-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}-topic-check-`;
const topics: string[] = [];

afterAll(async () => {
  await deleteTestTopics(endpoints.brokers, topics);
  await deleteSubjects(registryUnderTest(), prefix);
});

describe('decodeTopicsWithConfluent', () => {
  it('counts decoded records per type and tombstones, and reports the records it cannot decode', async () => {
    const ids = await registerAll(registry.serde, { registryUrl: registry.url, fetch: registry.fetch });
    const old = await registerSchemas(registry.serde, catalogue, {
      registryUrl: registry.url,
      fetch: registry.fetch,
      subjectPrefix: prefix,
      layout: 'references',
    });
    const sale = eventSchema('SaleRecorded');
    const kpi = eventSchema('KpiWindowUpdated');
    const topic = await createTestTopic(endpoints.brokers, 'confluent-topic-check', 2);
    const missing = `${topic}-does-not-exist`;
    topics.push(topic);
    const producer = await TestProducer.connect(endpoints.brokers, 'confluent-topic-check');
    try {
      await producer.send(topic, [
        { key: 'a', value: registry.serde.encodeWith(ids.SaleRecorded!, sale.type, enrichedSaleFixture()) },
        { key: 'b', value: registry.serde.encodeWith(ids.KpiWindowUpdated!, kpi.type, kpiWindowFixture()) },
        {
          key: 'c',
          value: registry.serde.encodeWith(
            ids.KpiWindowUpdated!,
            kpi.type,
            kpiWindowFixture({ revision: 2 }),
          ),
        },
        { key: 'd', value: null },
        {
          key: 'e',
          value: registry.serde.encodeWith(old.get(sale.fullName)!.id, sale.type, enrichedSaleFixture()),
        },
      ]);
    } finally {
      await producer.close();
    }

    const client = confluentClient(registryUnderTest());
    const kafka = createKafka(
      kafkaConfig.parse(endpoints.env),
      'confluent-topic-check',
      createLogger({ service: 'test', level: 'silent' }),
    );
    const [report, absent] = await decodeTopicsWithConfluent({
      kafka,
      client,
      deserializer: new AvroDeserializer(client, SerdeType.VALUE, {}),
      topics: [topic, missing],
    });
    expect(report).toMatchObject({
      topic,
      exists: true,
      decoded: 3,
      tombstones: 1,
      byRecord: { 'retail.events.SaleRecorded': 1, 'retail.kpi.KpiWindowUpdated': 2 },
      failed: 1,
    });
    expect(report!.failures).toHaveLength(1);
    expect(report!.failures[0]).toMatchObject({ schemaId: old.get(sale.fullName)!.id });
    expect(report!.failures[0]!.error).toMatch(/undefined type name/);
    expect(absent).toMatchObject({ topic: missing, exists: false, decoded: 0, failed: 0 });
  });
});
