import { isRetriable, TransientError, ValidationError, type AvroSerde } from '@retail-stream/runtime';
import { eventSchema } from '@retail-stream/schemas';
import type avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { EventSchemas } from './event-schemas.ts';

/** Only typeFor is used by prepare(); the registry's answers are scripted per id. */
function schemasWith(answers: Record<number, () => avro.Type>): { schemas: EventSchemas; calls: number[] } {
  const calls: number[] = [];
  const serde = {
    typeFor: async (id: number) => {
      calls.push(id);
      return answers[id]!();
    },
  } as unknown as AvroSerde;
  return {
    schemas: new EventSchemas({ serde, registryUrl: 'http://unused', register: false, timeoutMs: 1 }),
    calls,
  };
}

describe('writer schemas', () => {
  it('marks a registry 404 as UNKNOWN_SCHEMA_ID poison and does not ask again within the TTL', async () => {
    const { schemas, calls } = schemasWith({
      9: () => {
        throw new ValidationError('UNKNOWN_SCHEMA', 'schema id 9: not found');
      },
    });
    await schemas.prepare([9], 1_000);
    expect(schemas.writer(9)).toMatchObject({ ok: false, code: 'UNKNOWN_SCHEMA_ID' });
    await schemas.prepare([9], 2_000);
    expect(calls).toEqual([9]);
    await schemas.prepare([9], 1_000 + 60_001);
    expect(calls).toEqual([9, 9]);
  });

  it('lets a registry that cannot answer fail the batch as retriable, marking nothing', async () => {
    const { schemas, calls } = schemasWith({
      5: () => {
        throw new TransientError('REGISTRY_UNAVAILABLE', 'connect ECONNREFUSED');
      },
    });
    const err = await schemas.prepare([5]).catch((e: unknown) => e);
    expect(isRetriable(err)).toBe(true);
    // Not remembered as unknown: the retried batch asks the registry again.
    await schemas.prepare([5]).catch(() => undefined);
    expect(calls).toEqual([5, 5]);
  });

  it('a flood of forged ids keeps both caches at their bound and every one of them reads as unknown', async () => {
    const calls: number[] = [];
    const serde = {
      typeFor: async (id: number) => {
        calls.push(id);
        if (id === 4) return eventSchema('SaleVoided').type;
        throw new ValidationError('UNKNOWN_SCHEMA', `schema id ${id}: not found`);
      },
    } as unknown as AvroSerde;
    const schemas = new EventSchemas({
      serde,
      registryUrl: 'http://unused',
      register: false,
      timeoutMs: 1,
      maxCachedIds: 100,
    });
    const forged = Array.from({ length: 5_000 }, (_, i) => 1_000_000 + i);
    await schemas.prepare([4, ...forged]);
    expect(schemas.cacheSizes()).toEqual({ known: 1, unknown: 100 });
    expect(forged.every((id) => schemas.writer(id)?.ok === false)).toBe(true);
    expect(schemas.writer(forged[0]!)).toMatchObject({ code: 'UNKNOWN_SCHEMA_ID' });
    expect(schemas.writer(4)).toMatchObject({ ok: true });
  });

  it('refuses a schema that is not a store event, and reads an unknown-to-catalogue id through a resolver', async () => {
    const { schemas } = schemasWith({
      3: () => eventSchema('StoreUpserted').type,
      4: () => eventSchema('SaleVoided').type,
    });
    await schemas.prepare([3, 4]);
    expect(schemas.writer(3)).toMatchObject({ ok: false, code: 'UNKNOWN_EVENT_TYPE' });
    // Catalogue ids were never loaded, so id 4 is "another version" of SaleVoided: read via a resolver.
    expect(schemas.writer(4)).toMatchObject({
      ok: true,
      writer: { eventType: 'SaleVoided', current: false },
    });
  });
});
