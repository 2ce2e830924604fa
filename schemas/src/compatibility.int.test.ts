import crypto from 'node:crypto';
import { AppError, AvroSerde } from '@retail-stream/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '../../infra/src/service-env.ts';
import avro from 'avsc';
import {
  buildCatalogue,
  catalogue,
  eventSchema,
  type AvroNamedSchema,
  type Catalogue,
  type NamedSchema,
} from './catalogue.ts';
import type { SaleRecorded } from './generated/events.ts';
import { isShallowClone, schemaHistory } from './history.ts';
import { registerAll, registerSchemas, type RegisteredSchema, type RegisterOptions } from './register.ts';
import { registryAccess } from './testing/registry-access.ts';

/**
 * CI's compatibility gate, against the real registry: every historical version of every .avsc
 * (from git, oldest first) and then the working tree are registered under fresh subjects set to
 * BACKWARD_TRANSITIVE; the registry refusing any of them (409) fails the build, naming the type.
 * History is replayed in the layout deployed registries hold (references), and self-contained.
 */

const registryUrl = serviceEnv().SCHEMA_REGISTRY_URL!;
const registry = registryAccess(serviceEnv());
const serde = registry.serde;
const runId = `ci-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
const prefixes: string[] = [];

function freshOptions(name: string): RegisterOptions {
  const subjectPrefix = `${runId}-${name}-`;
  prefixes.push(subjectPrefix);
  return { registryUrl, subjectPrefix, fetch: registry.fetch };
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
    await fetch(url, { method: 'DELETE', headers: registry.headers }).catch(() => undefined);
    await fetch(`${url}?permanent=true`, { method: 'DELETE', headers: registry.headers }).catch(
      () => undefined,
    );
  }
});

describe('schema compatibility against the registry', () => {
  it('registers every historical version (with references, as deployed), then the working tree self-contained', async () => {
    if (isShallowClone())
      console.warn('shallow clone: only the fetched part of the schema history is checked');
    const options = freshOptions('history');
    const snapshots = schemaHistory();
    let deployed = new Map<string, RegisteredSchema>();
    for (const snapshot of snapshots) {
      try {
        // Registries deployed before issue 15 hold every version in the references layout.
        deployed = await registerSchemas(serde, buildCatalogue(snapshot.files), {
          ...options,
          layout: 'references',
        });
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
    // The self-contained form joins each subject as a new version: the registry checked it
    // (BACKWARD_TRANSITIVE) against every reference-based version, resolving their references.
    const registered = await registerSchemas(serde, catalogue, options);
    expect([...registered.keys()].sort()).toEqual(
      [...catalogue.events.values()].map((e) => e.fullName).sort(),
    );
    for (const e of catalogue.events.values()) {
      const subject = encodeURIComponent(options.subjectPrefix + e.fullName);
      const res = await fetch(`${registryUrl}/subjects/${subject}/versions/latest`);
      expect(res.status, e.fullName).toBe(200);
      const latest = (await res.json()) as {
        id: number;
        version: number;
        schema: string;
        references?: unknown[];
      };
      expect(latest.id, e.fullName).toBe(registered.get(e.fullName)!.id);
      expect(latest.references ?? [], e.fullName).toEqual([]);
      // Parses alone, as the type the services encode with.
      const alone = avro.Type.forSchema(JSON.parse(latest.schema) as avro.Schema);
      expect(alone.fingerprint().equals(e.type.fingerprint()), e.fullName).toBe(true);
      const old = deployed.get(e.fullName)!;
      if (e.references.length === 0) {
        // Nothing to inline: the same schema, so the same id and no new version.
        expect(latest.id, e.fullName).toBe(old.id);
      } else {
        // A new version; the reference-based one before it stays, references intact (its id too).
        expect(latest.version, e.fullName).toBe(old.version + 1);
        const before = (await (
          await fetch(`${registryUrl}/subjects/${subject}/versions/${old.version}`)
        ).json()) as { id: number; references?: { name: string }[] };
        expect(before.id, e.fullName).toBe(old.id);
        expect(
          (before.references ?? []).map((r) => r.name),
          e.fullName,
        ).toEqual(e.references.map((r) => r.name));
      }
      const config = await fetch(`${registryUrl}/config/${subject}`);
      expect(await config.json()).toEqual({ compatibilityLevel: 'BACKWARD_TRANSITIVE' });
    }
  });

  it('registers every historical version self-contained, oldest first (the composed forms evolve compatibly)', async () => {
    const options = freshOptions('composed');
    for (const snapshot of schemaHistory()) {
      await registerSchemas(serde, buildCatalogue(snapshot.files), options).catch((err: unknown) => {
        throw new Error(`composed schema at ${snapshot.label} refused: ${(err as Error).message}`, {
          cause: err,
        });
      });
    }
    const subjects = ((await (await fetch(`${registryUrl}/subjects`)).json()) as string[]).filter((s) =>
      s.startsWith(options.subjectPrefix!),
    );
    // Only top-level records get a subject in this layout.
    expect(subjects.map((s) => s.slice(options.subjectPrefix!.length)).sort()).toEqual(
      [...catalogue.events.values()].map((e) => e.fullName).sort(),
    );
  });

  it('fails, naming the type, when a change is not backward compatible', async () => {
    const options = freshOptions('breaking');
    await registerSchemas(serde, catalogue, options);

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

  it('refuses a breaking change in a shared type through every self-contained record that inlines it', async () => {
    const options = freshOptions('shared');
    await registerSchemas(serde, catalogue, options);
    const lot = catalogue.byFullName.get('retail.events.LotQuantity')!;
    // A required field in LotQuantity: no record carrying lots could read its old data any more.
    const fields = [...(lot.schema.fields ?? []), { name: 'batch_owner', type: 'string' }];
    const err = await registerSchemas(serde, withFields(lot, fields), options).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('SCHEMA_INCOMPATIBLE');
    // The first record (catalogue order) that inlines LotQuantity is the one named.
    expect((err as Error).message).toMatch(
      /retail\.events\.(GoodsReceived|InventoryAdjusted|SaleRecorded|SaleRefunded|SaleVoided)/,
    );
  });

  it('producers and consumers round-trip a nested event through registry ids', async () => {
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
    // A fresh serde, like a consumer that has never seen the ids: it fetches the schema by id alone.
    const consumer = AvroSerde.fromUrl(registryUrl);
    const buf = await serde.encode(ids.SaleRecorded!, sale);
    const decoded = await consumer.decode<SaleRecorded>(buf);
    expect(decoded.schemaId).toBe(ids.SaleRecorded);
    expect(decoded.type.name).toBe('retail.events.SaleRecorded');
    expect(decoded.value).toEqual(sale);
  });
});

/** The catalogue with SaleRecorded (or another record) replaced by a variant. */
function withFields(target: NamedSchema, fields: unknown[]): Catalogue {
  const files = catalogue.schemas.map((s) => {
    const schema: AvroNamedSchema =
      s.fullName === target.fullName ? { ...s.schema, fields: fields as never } : s.schema;
    return { file: s.file, text: JSON.stringify(schema) };
  });
  return buildCatalogue(files);
}
