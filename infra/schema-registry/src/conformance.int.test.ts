/**
 * Drives the real registry server over real HTTP with the client the producers and consumers use
 * (@kafkajs/confluent-schema-registry 3.9), plus raw requests for the parts of Confluent's API the
 * client does not cover. What it pins down is meant to be exactly what Confluent's registry does.
 *
 * REGISTRY_CONFORMANCE_URL=<base url> runs the same suite against another running registry
 * (scripts/registry-conformance.sh: Apicurio's /apis/ccompat/v7) instead of an in-process one;
 * subjects and type names then carry this run's tag, so a registry with other data works. Where
 * Apicurio answers differently from Confluent, the test asserts Apicurio's answer explicitly (each
 * one is listed in infra/README.md), so the documented differences stay true.
 */
import avsc from 'avsc';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import {
  apicurio,
  avro,
  external,
  NS,
  ours,
  record,
  RESPONSE_TYPE,
  saleV1,
  saleV2,
  sub,
  useConformanceRegistry,
} from './conformance-harness.ts';

const { api, client, restart } = useConformanceRegistry();

describe('schema registry conformance (Confluent REST API, via @kafkajs/confluent-schema-registry)', () => {
  const subject = sub('retail.sales-value');
  let saleV1Id: number;
  let saleV2Id: number;
  let encodedV1: Buffer;

  it('registers a schema and encodes to the Confluent wire format', async () => {
    const { id } = await client().register(avro(saleV1), { subject });
    saleV1Id = id;
    expect(id).toBeGreaterThan(0);

    const payload = { sku: 'SKU-1', cents: 1999 };
    encodedV1 = await client().encode(id, payload);
    expect(encodedV1[0]).toBe(0); // magic byte
    expect(encodedV1.readInt32BE(1)).toBe(id); // 4-byte big-endian schema id
    expect(encodedV1.subarray(5)).toEqual(avsc.Type.forSchema(saleV1 as avsc.Schema).toBuffer(payload));
    expect(await client().decode(encodedV1)).toEqual(payload);
  });

  it('re-registering the same schema is idempotent: same id, no new version', async () => {
    const { id } = await client().register(avro(saleV1), { subject });
    expect(id).toBe(saleV1Id);
    expect((await api('GET', `/subjects/${subject}/versions`)).body).toEqual([1]);
  });

  it('the client’s first registration stored the subject level it asked for', async () => {
    expect((await api('GET', `/config/${subject}`)).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('evolves compatibly, and old data decodes with the new schema as reader', async () => {
    const { id } = await client().register(avro(saleV2), { subject });
    saleV2Id = id;
    expect(id).not.toBe(saleV1Id);
    expect(await client().getLatestSchemaId(subject)).toBe(saleV2Id);
    expect(await client().getRegistryId(subject, 1)).toBe(saleV1Id);
    expect(await client().getRegistryId(subject, 2)).toBe(saleV2Id);
    const readerSchema = { ...saleV2, type: 'record' as const };
    const decoded = await client().decode(encodedV1, { [SchemaType.AVRO]: { readerSchema } });
    expect(decoded).toEqual({ sku: 'SKU-1', cents: 1999, qty: 1 });
  });

  it('getSchema(id) returns the registered schema', async () => {
    const schema = (await client().getSchema(saleV2Id)) as avsc.Type;
    expect(schema.name).toBe(`${NS}.Sale`);
    expect(schema.isValid({ sku: 'x', cents: 1, qty: 2 })).toBe(true);
  });

  it('the same schema under another subject gets the same global id', async () => {
    const { id } = await client().register(avro(saleV1), { subject: sub('retail.sales-archive-value') });
    expect(id).toBe(saleV1Id);
    expect((await api('GET', `/schemas/ids/${saleV1Id}/versions`)).body).toEqual([
      { subject: sub('retail.sales-archive-value'), version: 1 },
      { subject, version: 1 },
    ]);
  });

  it('answers GET /subjects/:subject/versions/:version like Confluent (no schemaType for Avro)', async () => {
    const res = await api('GET', `/subjects/${subject}/versions/latest`);
    expect(res.status).toBe(200);
    expect(res.contentType).toBe(RESPONSE_TYPE);
    expect(res.body).toEqual({ subject, version: 2, id: saleV2Id, schema: JSON.stringify(saleV2) });
    const raw = await api('GET', `/subjects/${subject}/versions/1/schema`);
    expect(raw.body).toEqual(saleV1);
  });

  it('looks a schema up under a subject (POST /subjects/:subject)', async () => {
    const res = await api('POST', `/subjects/${subject}`, { schema: JSON.stringify(saleV1) });
    expect(res.body).toEqual({ subject, id: saleV1Id, version: 1, schema: JSON.stringify(saleV1) });
    expect(await client().getRegistryIdBySchema(subject, avro(saleV2))).toBe(saleV2Id);
  });

  describe('schema references', () => {
    const address = {
      type: 'record',
      name: 'Address',
      namespace: `${NS}.common`,
      fields: [{ name: 'city', type: 'string' }],
    };
    const shop = {
      type: 'record',
      name: 'Shop',
      namespace: NS,
      fields: [
        { name: 'code', type: 'string' },
        { name: 'address', type: `${NS}.common.Address` },
      ],
    };
    const addressSubject = sub('retail.common.Address');
    const shops = sub('retail.shops-value');
    const references = [{ name: `${NS}.common.Address`, subject: addressSubject, version: 1 }];
    let shopId: number;

    it('registers a schema that uses a named type from another subject', async () => {
      await client().register(avro(address), { subject: addressSubject });
      ({ id: shopId } = await client().register({ ...avro(shop), references }, { subject: shops }));
      const version = await api('GET', `/subjects/${shops}/versions/1`);
      expect(version.body.references).toEqual(references);
      expect((await api('GET', `/schemas/ids/${shopId}`)).body).toEqual({
        schema: JSON.stringify(shop),
        references,
      });
    });

    it('encodes and decodes through the reference with a fresh client', async () => {
      const value = { code: 'S1', address: { city: 'Leeds' } };
      const encoded = await client().encode(shopId, value);
      expect(await client().decode(encoded)).toEqual(value);
    });

    it('refuses a schema whose reference is missing (42201) and deleting a referenced subject (42206)', async () => {
      const missing = await api('POST', `/subjects/${sub('retail.other-value')}/versions`, {
        schema: JSON.stringify(shop),
      });
      expect(missing.status).toBe(422);
      expect(missing.body.error_code).toBe(42201);
      const del = await api('DELETE', `/subjects/${addressSubject}`);
      expect(del.status).toBe(422);
      expect(del.body.error_code).toBe(42206);
      expect((await api('GET', `/subjects/${addressSubject}/versions/1/referencedby`)).body).toEqual([
        shopId,
      ]);
    });
  });

  describe('BACKWARD_TRANSITIVE', () => {
    const inventory = sub('retail.inventory-value');
    const v1 = record('Stock', [{ name: 'sku', type: 'string' }]);
    const v2 = record('Stock', [...v1.fields, { name: 'qty', type: 'int', default: 0 }]);
    // Readable from v2's data (qty present), not from v1's (qty missing, no default).
    const v3 = record('Stock', [...v1.fields, { name: 'qty', type: 'int' }]);
    const opts = { subject: inventory, compatibility: COMPATIBILITY.BACKWARD_TRANSITIVE };

    it('refuses, through the client, a schema incompatible with an older version (409) and stores nothing', async () => {
      await client().register(avro(v1), opts);
      await client().register(avro(v2), opts);
      expect((await api('GET', `/config/${inventory}`)).body).toEqual({
        compatibilityLevel: 'BACKWARD_TRANSITIVE',
      });
      const subjectsBefore = ours((await api('GET', '/subjects')).body);
      const maxIdBefore = await client().getLatestSchemaId(inventory);

      await expect(client().register(avro(v3), opts)).rejects.toMatchObject({
        status: 409,
        // Apicurio's message is its Java exception: "RuleViolationException: Incompatible artifact: …".
        message: expect.stringContaining(
          apicurio ? 'Incompatible artifact' : 'incompatible with an earlier schema',
        ),
      });
      const raw = await api('POST', `/subjects/${inventory}/versions`, { schema: JSON.stringify(v3) });
      expect(raw).toMatchObject({ status: 409, body: { error_code: 409 } });

      expect((await api('GET', `/subjects/${inventory}/versions`)).body).toEqual([1, 2]);
      expect(ours((await api('GET', '/subjects')).body)).toEqual(subjectsBefore);
      expect((await api('GET', `/schemas/ids/${maxIdBefore + 1}`)).body.error_code).toBe(40403);
    });

    it('POST /compatibility checks one version, or every version without one', async () => {
      const body = { schema: JSON.stringify(v3) };
      expect((await api('POST', `/compatibility/subjects/${inventory}/versions/2`, body)).body).toEqual({
        is_compatible: true,
      });
      expect((await api('POST', `/compatibility/subjects/${inventory}/versions/1`, body)).body).toEqual({
        is_compatible: false,
      });
      const all = await api('POST', `/compatibility/subjects/${inventory}/versions?verbose=true`, body);
      if (apicurio) {
        // Apicurio ignores verbose=true: no `messages` saying which version breaks.
        expect(all.body).toEqual({ is_compatible: false });
      } else {
        expect(all.body.is_compatible).toBe(false);
        expect(all.body.messages[0]).toContain('version 1');
      }
    });
  });

  describe('configuration endpoints', () => {
    const untouched = sub('retail.untouched-value');
    it('GET/PUT /config for the global level', async () => {
      expect((await api('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
      if (apicurio) {
        // Apicurio takes upper case only, and answers with an extra `normalize` field.
        expect(await api('PUT', '/config', { compatibility: 'full' })).toMatchObject({
          status: 422,
          body: { error_code: 42203 },
        });
        expect((await api('PUT', '/config', { compatibility: 'FULL' })).body).toEqual({
          compatibility: 'FULL',
          normalize: false,
        });
      } else {
        expect((await api('PUT', '/config', { compatibility: 'full' })).body).toEqual({
          compatibility: 'FULL',
        });
      }
      expect((await api('GET', '/config')).body).toEqual({ compatibilityLevel: 'FULL' });
      expect((await api('PUT', '/config', { compatibility: 'BACKWARD' })).body).toEqual({
        compatibility: 'BACKWARD',
        ...(apicurio ? { normalize: false } : {}),
      });
    });

    it('GET/PUT/DELETE /config/:subject, with 40408 when unset and defaultToGlobal', async () => {
      const unset = await api('GET', `/config/${untouched}`);
      const global = await api('GET', `/config/${untouched}?defaultToGlobal=true`);
      if (apicurio) {
        // Apicurio: a subject without versions is "not found" (40401), even with defaultToGlobal.
        expect(unset).toMatchObject({ status: 404, body: { error_code: 40401 } });
        expect(global).toMatchObject({ status: 404, body: { error_code: 40401 } });
      } else {
        expect(unset).toMatchObject({ status: 404, body: { error_code: 40408 } });
        expect(global.body).toEqual({ compatibilityLevel: 'BACKWARD' });
      }
      expect((await api('PUT', `/config/${untouched}`, { compatibility: 'NONE' })).body).toEqual({
        compatibility: 'NONE',
        ...(apicurio ? { normalize: false } : {}),
      });
      expect((await api('DELETE', `/config/${untouched}`)).body).toEqual({
        compatibilityLevel: 'NONE',
      });
      const afterDelete = await api('GET', `/config/${untouched}`);
      if (apicurio) {
        // Apicurio answers the DELETE but keeps the subject's level.
        expect(afterDelete).toMatchObject({ status: 200, body: { compatibilityLevel: 'NONE' } });
      } else {
        expect(afterDelete).toMatchObject({ status: 404, body: { error_code: 40408 } });
      }
    });

    it('rejects an unknown level with 42203', async () => {
      const res = await api('PUT', '/config', { compatibility: 'SIDEWAYS' });
      expect(res).toMatchObject({ status: 422, body: { error_code: 42203 } });
    });

    it('GET /mode and /schemas/types', async () => {
      expect((await api('GET', '/mode')).body).toEqual({ mode: 'READWRITE' });
      // Apicurio also takes JSON Schema and Protobuf; ours is Avro only.
      expect((await api('GET', '/schemas/types')).body).toEqual(
        apicurio ? ['JSON', 'PROTOBUF', 'AVRO'] : ['AVRO'],
      );
    });
  });

  describe('deletes', () => {
    const doomed = sub('retail.doomed-value');

    it('soft then permanent delete of a version and a subject, with Confluent’s guard codes', async () => {
      const { id } = await client().register(avro(record('Doomed', [{ name: 'a', type: 'int' }])), {
        subject: doomed,
      });
      expect((await api('DELETE', `/subjects/${doomed}/versions/1?permanent=true`)).body.error_code).toBe(
        40407,
      );
      expect((await api('DELETE', `/subjects/${doomed}/versions/1`)).body).toBe(1);
      expect((await api('GET', `/subjects/${doomed}/versions`)).body.error_code).toBe(40401);
      expect((await api('GET', `/subjects/${doomed}/versions?deleted=true`)).body).toEqual([1]);
      // Soft-deleted data must stay decodable: the id keeps resolving.
      expect((await api('GET', `/schemas/ids/${id}`)).status).toBe(200);
      expect((await api('DELETE', `/subjects/${doomed}/versions/1?permanent=true`)).body).toBe(1);
      expect((await api('GET', `/schemas/ids/${id}`)).body.error_code).toBe(40403);

      await client().register(avro(record('Doomed', [{ name: 'a', type: 'int' }])), { subject: doomed });
      expect((await api('DELETE', `/subjects/${doomed}?permanent=true`)).body.error_code).toBe(40405);
      expect((await api('DELETE', `/subjects/${doomed}`)).body).toEqual([1]);
      expect((await api('DELETE', `/subjects/${doomed}`)).body.error_code).toBe(40404);
      expect((await api('GET', '/subjects')).body).not.toContain(doomed);
      expect((await api('GET', '/subjects?deleted=true')).body).toContain(doomed);
      expect((await api('DELETE', `/subjects/${doomed}?permanent=true`)).body).toEqual([1]);
      expect((await api('GET', '/subjects?deleted=true')).body).not.toContain(doomed);
    });
  });

  // Ours only: Apicurio's health and metrics live on its management port, in its own format.
  describe.skipIf(external)('ops endpoints (our registry)', () => {
    it('serves /healthz, /readyz and Prometheus /metrics', async () => {
      expect((await api('GET', '/healthz')).status).toBe(200);
      expect((await api('GET', '/readyz')).status).toBe(200);
      const metrics = (await api('GET', '/metrics')).body as string;
      expect(metrics).toMatch(
        /retail_schema_registry_requests_total\{[^}]*route="\/subjects\/:subject\/versions"[^}]*status="200"[^}]*\} [1-9]/,
      );
      expect(metrics).toMatch(/retail_schema_registry_schemas(\{[^}]*\})? [1-9]/);
    });
  });

  // Ours only: the suite cannot restart a registry it did not start.
  describe.skipIf(external)('restart on the same data directory (our registry)', () => {
    it('keeps subjects, versions and ids, and keeps counting ids', async () => {
      const subjectsBefore = (await api('GET', '/subjects')).body;
      const latestBefore = (await api('GET', `/subjects/${subject}/versions/latest`)).body;
      const configBefore = (await api('GET', '/config/retail.inventory-value')).body;
      const maxIdBefore = Math.max(
        ...(await Promise.all((subjectsBefore as string[]).map((s) => client().getLatestSchemaId(s)))),
      );

      await restart();

      expect((await api('GET', '/subjects')).body).toEqual(subjectsBefore);
      expect((await api('GET', `/subjects/${subject}/versions/latest`)).body).toEqual(latestBefore);
      expect((await api('GET', '/config/retail.inventory-value')).body).toEqual(configBefore);
      expect(await client().getRegistryId(subject, 1)).toBe(saleV1Id);
      expect(await client().decode(encodedV1)).toEqual({ sku: 'SKU-1', cents: 1999 });
      const { id } = await client().register(avro(record('AfterRestart', [{ name: 'a', type: 'int' }])), {
        subject: sub('retail.after-restart-value'),
      });
      expect(id).toBeGreaterThan(maxIdBefore);
    });
  });
});
