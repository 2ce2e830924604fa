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
    const { schemas } = schemasWith({
      5: () => {
        throw new TransientError('REGISTRY_UNAVAILABLE', 'connect ECONNREFUSED');
      },
    });
    const err = await schemas.prepare([5]).catch((e: unknown) => e);
    expect(isRetriable(err)).toBe(true);
    expect(schemas.writer(5)).toBeUndefined();
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
