import crypto from 'node:crypto';
import {
  AvroDeserializer,
  AvroSerializer,
  RestError,
  SerdeType,
  SubjectNameStrategyType,
  type SchemaInfo,
} from '@confluentinc/schemaregistry';
import { AvroSerde } from '@retail-stream/runtime';
import {
  catalogue,
  eventSchema,
  registerAll,
  registerSchemas,
  type SaleRecorded,
} from '@retail-stream/schemas';
import { enrichedSaleFixture } from '@retail-stream/schemas/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { confluentClient, deleteSubjects, registryHeaders, registryUnderTest } from './confluent-testing.ts';

/**
 * Issue 15: our registry against Confluent's own JavaScript client (`@confluentinc/schemaregistry`):
 * round trips between its serializer/deserializer and our AvroSerde, subject name strategies,
 * compatibility levels, schema references, and the error codes Confluent documents
 * (https://docs.confluent.io/platform/current/schema-registry/develop/api.html#errors).
 * Every subject and topic name starts with this run's prefix, removed afterwards.
 */

const registry = registryUnderTest();
const run = `conf_${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`;
const authFetch: typeof fetch = (input, init) =>
  fetch(input, { ...init, headers: { ...registryHeaders(registry), ...(init?.headers as object) } });
const serde = AvroSerde.fromConfig({ SCHEMA_REGISTRY_URL: registry.url, ...registry.env });
const avro = (schema: object): SchemaInfo => ({ schemaType: 'AVRO', schema: JSON.stringify(schema) });
const thing = (fields: object[]) => ({ type: 'record', name: 'Thing', namespace: run, fields });

afterAll(async () => {
  await deleteSubjects(registry, run);
});

/** The error a promise rejects with; fails the test when it resolves. */
async function restError(p: Promise<unknown>): Promise<RestError> {
  const err = await p.then(
    (v) => new Error(`expected a RestError, got ${JSON.stringify(v)}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RestError);
  return err as RestError;
}

describe("Confluent's serializer and our AvroSerde, both ways", () => {
  it('its serializer auto-registers under TopicNameStrategy (<topic>-value); a fresh AvroSerde decodes', async () => {
    const client = confluentClient(registry);
    const topic = `${run}_orders`;
    const serializer = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true });
    const value = { order_id: 'o-1', quantity: 3, note: 'giao nhanh' };
    const bytes = await serializer.serialize(topic, value);

    const versions = await client.getAllVersions(`${topic}-value`);
    expect(versions).toEqual([1]);
    const registered = await client.getSchemaMetadata(`${topic}-value`, 1);
    expect(bytes.readUInt32BE(1)).toBe(registered.id);
    const decoded = await AvroSerde.fromUrl(registry.url).decode(bytes);
    expect(decoded.schemaId).toBe(registered.id);
    expect(decoded.value).toEqual(value);
  });

  it('our AvroSerde registers and encodes; its deserializer decodes', async () => {
    const topic = `${run}_things`;
    const id = await serde.register(
      thing([
        { name: 'a', type: 'string' },
        { name: 'n', type: 'long' },
      ]),
      `${topic}-value`,
    );
    const bytes = await serde.encode(id, { a: 'xin chào', n: 2 ** 40 });
    const deserializer = new AvroDeserializer(confluentClient(registry), SerdeType.VALUE, {});
    expect(await deserializer.deserialize(topic, bytes)).toEqual({ a: 'xin chào', n: 2 ** 40 });
  });

  it('its serializer writes a store event under RecordNameStrategy with our id; our services read it', async () => {
    const ids = await registerAll(serde, { registryUrl: registry.url, fetch: authFetch });
    const sale = eventSchema('SaleRecorded');
    // Confluent's JS serializer cannot derive a record name without a schema in hand, so a user
    // pins the RecordNameStrategy subject (the record's full name) and the id or latest version.
    const serializer = new AvroSerializer(confluentClient(registry), SerdeType.VALUE, {
      useLatestVersion: true,
      subjectNameStrategy: () => sale.fullName,
    });
    const value = enrichedSaleFixture();
    const bytes = await serializer.serialize('retail.events.enriched', value);
    expect(bytes.readUInt32BE(1)).toBe(ids.SaleRecorded);
    const decoded = await AvroSerde.fromUrl(registry.url).decode<SaleRecorded>(bytes);
    expect(decoded.value).toEqual(value);
    // Byte for byte what our own encoder writes.
    expect(bytes.equals(serde.encodeWith(ids.SaleRecorded!, sale.type, value))).toBe(true);

    // And its deserializer, configured for RecordNameStrategy, reads it back with the latest reader.
    const reader = new AvroDeserializer(confluentClient(registry), SerdeType.VALUE, {
      subjectNameStrategyType: SubjectNameStrategyType.RECORD,
      useLatestVersion: true,
    });
    expect(await reader.deserialize('retail.events.enriched', bytes)).toEqual(value);
  });
});

describe('compatibility levels through the client', () => {
  it('updateConfig/getConfig per subject; BACKWARD and BACKWARD_TRANSITIVE decide as documented', async () => {
    const client = confluentClient(registry);
    const subject = `${run}.Levels`;
    expect(await client.updateConfig(subject, { compatibility: 'BACKWARD' as never })).toMatchObject({
      compatibility: 'BACKWARD',
    });
    expect(await client.getConfig(subject)).toMatchObject({ compatibilityLevel: 'BACKWARD' });
    expect((await client.getDefaultConfig()).compatibilityLevel).toMatch(/^(BACKWARD|FORWARD|FULL|NONE)/);

    const v1 = thing([{ name: 'id', type: 'string' }]);
    const v2 = thing([...v1.fields, { name: 'qty', type: 'int', default: 0 }]);
    // Reads v2 data (qty present) but not v1 data (no qty, no default): BACKWARD yes, transitive no.
    const v3 = thing([...v1.fields, { name: 'qty', type: 'int' }]);
    await client.register(subject, avro(v1));
    await client.register(subject, avro(v2));
    expect(await client.testSubjectCompatibility(subject, avro(v3))).toBe(true);
    expect(await client.testCompatibility(subject, 1, avro(v3))).toBe(false);

    await client.updateConfig(subject, { compatibility: 'BACKWARD_TRANSITIVE' as never });
    expect(await client.getConfig(subject)).toMatchObject({ compatibilityLevel: 'BACKWARD_TRANSITIVE' });
    const refused = await restError(client.register(subject, avro(v3)));
    expect([refused.status, refused.errorCode]).toEqual([409, 409]);
    expect(await client.getAllVersions(subject)).toEqual([1, 2]);

    await client.updateConfig(subject, { compatibility: 'BACKWARD' as never });
    await client.register(subject, avro(v3));
    expect(await client.getAllVersions(subject)).toEqual([1, 2, 3]);
  });
});

describe('schema references, for users who register them', () => {
  it('a record referencing another subject registers, fetches with its references and round-trips', async () => {
    const client = confluentClient(registry);
    const money = {
      type: 'record',
      name: 'Money',
      namespace: run,
      fields: [
        { name: 'minor', type: 'long' },
        { name: 'currency', type: 'string' },
      ],
    };
    const order = thing([
      { name: 'id', type: 'string' },
      { name: 'total', type: `${run}.Money` },
    ]);
    await client.register(`${run}.Money`, avro(money));
    const orderSubject = `${run}_refs-value`;
    const reference = { name: `${run}.Money`, subject: `${run}.Money`, version: 1 };
    const id = await client.register(orderSubject, { ...avro(order), references: [reference] });
    const latest = await client.getLatestSchemaMetadata(orderSubject);
    expect(latest).toMatchObject({ id, version: 1, references: [reference] });

    const value = { id: 'o-9', total: { minor: 150_000, currency: 'VND' } };
    const serializer = new AvroSerializer(confluentClient(registry), SerdeType.VALUE, {
      useLatestVersion: true,
    });
    const bytes = await serializer.serialize(`${run}_refs`, value);
    expect(bytes.readUInt32BE(1)).toBe(id);
    const deserializer = new AvroDeserializer(confluentClient(registry), SerdeType.VALUE, {});
    expect(await deserializer.deserialize(`${run}_refs`, bytes)).toEqual(value);
    expect((await AvroSerde.fromUrl(registry.url).decode(bytes)).value).toEqual(value);
  });

  it('nested references (our pre-issue-15 ids) defeat its deserializer; the self-contained id of the same record does not', async () => {
    const old = await registerSchemas(serde, catalogue, {
      registryUrl: registry.url,
      fetch: authFetch,
      subjectPrefix: `${run}-old-`,
      layout: 'references',
    });
    const fresh = await registerAll(serde, { registryUrl: registry.url, fetch: authFetch });
    const sale = eventSchema('SaleRecorded');
    const value = enrichedSaleFixture();
    const oldBytes = serde.encodeWith(old.get(sale.fullName)!.id, sale.type, value);
    const newBytes = serde.encodeWith(fresh.SaleRecorded!, sale.type, value);
    const deserializer = new AvroDeserializer(confluentClient(registry), SerdeType.VALUE, {});
    // Client 1.10.1 parses a referenced schema before the ones it references in turn (Enrichment
    // before ProductRef): the failure issue 15 reported. Our registry answers the references right.
    await expect(deserializer.deserialize('retail.events.enriched', oldBytes)).rejects.toThrow(
      /undefined type name/,
    );
    expect(await deserializer.deserialize('retail.events.enriched', newBytes)).toEqual(value);
    // Our services read both (rolling upgrade).
    const ours = AvroSerde.fromUrl(registry.url);
    expect((await ours.decode(oldBytes)).value).toEqual(value);
    expect((await ours.decode(newBytes)).value).toEqual(value);
  });
});

describe('error codes as Confluent documents them, surfaced by the client', () => {
  it('40401 subject not found, 40402 version not found, 40403 schema not found', async () => {
    const client = confluentClient(registry);
    const noSubject = await restError(client.getLatestSchemaMetadata(`${run}_missing-value`));
    expect([noSubject.status, noSubject.errorCode]).toEqual([404, 40401]);
    const subject = `${run}.Versions`;
    await client.register(subject, avro(thing([{ name: 'a', type: 'string' }])));
    const noVersion = await restError(client.getSchemaMetadata(subject, 7));
    expect([noVersion.status, noVersion.errorCode]).toEqual([404, 40402]);
    const noSchema = await restError(client.getBySubjectAndId('', 2_147_483_000));
    expect([noSchema.status, noSchema.errorCode]).toEqual([404, 40403]);
  });

  it('42201 invalid schema and 409 incompatible, and neither stores anything', async () => {
    const client = confluentClient(registry);
    const subject = `${run}.Errors`;
    await client.updateConfig(subject, { compatibility: 'BACKWARD' as never });
    await client.register(subject, avro(thing([{ name: 'a', type: 'string' }])));

    const invalid = await restError(
      client.register(subject, avro(thing([{ name: 'a', type: 'no.such.Type' }]))),
    );
    expect([invalid.status, invalid.errorCode]).toEqual([422, 42201]);
    const notJson = await restError(client.register(subject, { schemaType: 'AVRO', schema: '{"type":' }));
    expect([notJson.status, notJson.errorCode]).toEqual([422, 42201]);
    const incompatible = await restError(
      client.register(
        subject,
        avro(
          thing([
            { name: 'a', type: 'string' },
            { name: 'b', type: 'long' },
          ]),
        ),
      ),
    );
    expect([incompatible.status, incompatible.errorCode]).toEqual([409, 409]);
    expect(incompatible.message).toMatch(/incompatible/i);

    expect(await client.getAllVersions(subject)).toEqual([1]);
    const latest = await client.getLatestSchemaMetadata(subject);
    expect(JSON.parse(latest.schema).fields.map((f: { name: string }) => f.name)).toEqual(['a']);
  });
});
