import crypto from 'node:crypto';
import { AppError, AvroSerde } from '@retail-stream/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '../../infra/src/service-env.ts';
import {
  catalogue,
  eventSchema,
  parseSchemaSet,
  type AvroNamedSchema,
  type NamedSchema,
} from './catalogue.ts';
import type { SaleRecorded } from './generated/events.ts';
import { isShallowClone, schemaHistory } from './history.ts';
import { registerAll, registerSchemas, type RegisterOptions } from './register.ts';

/**
 * CI's compatibility gate, against the real registry: every historical version of every .avsc
 * (from git, oldest first) and then the working tree are registered under fresh subjects set to
 * BACKWARD_TRANSITIVE; the registry refusing any of them (409) fails the build, naming the type.
 */

const registryUrl = serviceEnv().SCHEMA_REGISTRY_URL!;
const serde = AvroSerde.fromUrl(registryUrl);
const runId = `ci-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
const prefixes: string[] = [];

function freshOptions(name: string): RegisterOptions {
  const subjectPrefix = `${runId}-${name}-`;
  prefixes.push(subjectPrefix);
  return { registryUrl, subjectPrefix };
}

afterAll(async () => {
  // Best effort: remove this run's subjects, dependants before the types they reference.
  const res = await fetch(`${registryUrl}/subjects`).catch(() => undefined);
  const subjects =
    ((await res?.json()) as string[] | undefined)?.filter((s) => s.startsWith(`${runId}-`)) ?? [];
  const rank = new Map(catalogue.schemas.map((s, i) => [s.fullName, i]));
  const order = (s: string) => rank.get(s.slice(s.lastIndexOf('-') + 1)) ?? -1;
  for (const subject of subjects.sort((a, b) => order(b) - order(a))) {
    const url = `${registryUrl}/subjects/${encodeURIComponent(subject)}`;
    await fetch(url, { method: 'DELETE' }).catch(() => undefined);
    await fetch(`${url}?permanent=true`, { method: 'DELETE' }).catch(() => undefined);
  }
});

describe('schema compatibility against the registry', () => {
  it('registers every historical version of every schema, oldest first, then the working tree', async () => {
    if (isShallowClone())
      console.warn('shallow clone: only the fetched part of the schema history is checked');
    const options = freshOptions('history');
    const snapshots = schemaHistory();
    for (const snapshot of snapshots) {
      const set = parseSchemaSet(snapshot.files);
      try {
        await registerSchemas(serde, set.schemas, options);
      } catch (err) {
        // The message names the type and its subject; the label names the commit.
        throw new Error(
          `schema change at ${snapshot.label} refused by the registry: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
    }
    // The current catalogue is what is now latest under every subject.
    for (const s of catalogue.schemas) {
      const res = await fetch(
        `${registryUrl}/subjects/${encodeURIComponent(options.subjectPrefix + s.fullName)}/versions/latest`,
      );
      expect(res.status, s.fullName).toBe(200);
      const latest = (await res.json()) as { schema: string; references?: { name: string }[] };
      expect(JSON.parse(latest.schema).name, s.fullName).toBe(s.name);
      expect(
        (latest.references ?? []).map((r) => r.name),
        s.fullName,
      ).toEqual(s.references.map((r) => r.name));
      const config = await fetch(
        `${registryUrl}/config/${encodeURIComponent(options.subjectPrefix + s.fullName)}`,
      );
      expect(await config.json()).toEqual({ compatibilityLevel: 'BACKWARD_TRANSITIVE' });
    }
  });

  it('fails, naming the type, when a change is not backward compatible', async () => {
    const options = freshOptions('breaking');
    await registerSchemas(serde, catalogue.schemas, options);

    // A required field that old data does not have: new consumers could not read old events.
    const sale = eventSchema('SaleRecorded');
    const breaking = withFields(sale, [
      ...(sale.schema.fields ?? []),
      { name: 'store_name', type: 'string' },
    ]);
    const err = await registerSchemas(serde, breaking, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('SCHEMA_INCOMPATIBLE');
    expect((err as Error).message).toContain('retail.events.SaleRecorded');

    // The additive, defaulted version of the same change is accepted as a new version.
    const additive = withFields(sale, [
      ...(sale.schema.fields ?? []),
      { name: 'store_name', type: ['null', 'string'], default: null },
    ]);
    const registered = await registerSchemas(serde, additive, options);
    expect(registered.get('retail.events.SaleRecorded')!.version).toBe(2);
  });

  it('producers and consumers round-trip a referenced-type event through registry ids', async () => {
    const ids = await registerAll(serde, freshOptions('serde'));
    expect(Object.keys(ids)).toEqual(catalogue.eventTypes);
    const sale: SaleRecorded = {
      event_id: '0190f5c2-7b7a-7cc1-9d2e-3f4a5b6c7d8e',
      event_type: 'SaleRecorded',
      store_id: 'HCM-001',
      terminal_id: null,
      cashier_id: 'C7',
      store_seq: 1,
      occurred_at: 1_738_342_799_999,
      trace_id: 't-1',
      transaction_id: 'tx-1',
      currency: 'VND',
      subtotal_minor: 70_000,
      discount_minor: 0,
      tax_minor: 6_364,
      total_minor: 70_000,
      item_count: 2,
      customer_ref: null,
      prescription_code: null,
      lines: [
        {
          line_no: 1,
          sku: 'SKU-1',
          barcode: '8930000000017',
          product_name: 'Cà phê',
          category: 'drinks',
          quantity: 2,
          unit_price_minor: 35_000,
          discount_minor: 0,
          tax_rate_bp: 1000,
          tax_minor: 6_364,
          line_total_minor: 70_000,
          lots: [],
        },
      ],
      stock: [{ sku: 'SKU-1', delta: -2, on_hand_after: 10, lots: [] }],
      enrichment: null,
    };
    // A fresh serde, like a consumer that has never seen the ids: it resolves the references itself.
    const consumer = AvroSerde.fromUrl(registryUrl);
    const buf = await serde.encode(ids.SaleRecorded!, sale);
    const decoded = await consumer.decode<SaleRecorded>(buf);
    expect(decoded.schemaId).toBe(ids.SaleRecorded);
    expect(decoded.type.name).toBe('retail.events.SaleRecorded');
    expect(decoded.value).toEqual(sale);
  });
});

/** The catalogue's schemas with SaleRecorded (or another record) replaced by a variant. */
function withFields(target: NamedSchema, fields: unknown[]): NamedSchema[] {
  const files = catalogue.schemas.map((s) => {
    const schema: AvroNamedSchema =
      s.fullName === target.fullName ? { ...s.schema, fields: fields as never } : s.schema;
    return { file: s.file, text: JSON.stringify(schema) };
  });
  return [...parseSchemaSet(files).schemas];
}
