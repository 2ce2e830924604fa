import { describe, expect, it } from 'vitest';
import { AvroSerde } from './avro-serde.ts';
import { errorCode } from './errors.ts';
import { serviceEnv } from '../../infra/src/service-env.ts';
import { frame } from './wire-format.ts';

/** The real registry, with bounds low enough that the flood below must hit them. */
class SmallSerde extends AvroSerde {
  static override readonly MAX_UNKNOWN_IDS: number = 50;
  static override readonly UNKNOWN_ID_TTL_MS: number = 60_000;
}

describe('AvroSerde: forged schema ids', () => {
  it('a flood of unknown schema ids keeps the caches bounded and asks the registry once per id', async () => {
    const serde = new SmallSerde(AvroSerde.fromUrl(serviceEnv().SCHEMA_REGISTRY_URL!).registry);
    let registryCalls = 0;
    const real = serde.registry.getSchema.bind(serde.registry);
    serde.registry.getSchema = (id: number) => {
      registryCalls++;
      return real(id);
    };
    // Ids far above anything the registry has handed out: what a forged record carries.
    const forged = Array.from({ length: 300 }, (_, i) => 2_000_000_000 + i);
    for (const id of forged) {
      const err = await serde.decode(frame(id, Buffer.from([2, 4]))).catch((e: unknown) => e);
      expect(errorCode(err)).toBe('UNKNOWN_SCHEMA');
      expect(serde.cacheSizes().unknownIds).toBeLessThanOrEqual(50);
    }
    expect(serde.cacheSizes()).toEqual({ types: 0, unknownIds: 50 });
    expect(registryCalls).toBe(300);
    // The same recent forged ids again: answered from the negative cache, not the registry.
    for (const id of forged.slice(-50)) {
      const err = await serde.decode(frame(id, Buffer.from([2, 4]))).catch((e: unknown) => e);
      expect(errorCode(err)).toBe('UNKNOWN_SCHEMA');
    }
    expect(registryCalls).toBe(300);
  });
});
