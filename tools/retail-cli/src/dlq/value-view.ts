import { bodyOf, schemaIdOf, type AvroSerde } from '@retail-stream/runtime';
import { hexDump } from './hex-dump.ts';

/** How `show` presents a dead letter's value: decoded when the registry can, bytes otherwise. */
export type ValueView =
  | { kind: 'null' }
  | { kind: 'avro'; schemaId: number; type: string | undefined; value: unknown }
  | { kind: 'bytes'; reason: string; length: number; hex: string[] };

/**
 * Decodes a Confluent-framed Avro value through the registry. Poison is shown as a hex dump with
 * why it could not be decoded (not framed, an id the registry does not know, bytes the schema
 * cannot read): the reason is often the same as the dead letter's, and confirms it.
 */
export async function viewValue(serde: AvroSerde | undefined, value: Buffer | null): Promise<ValueView> {
  if (value === null) return { kind: 'null' };
  const bytes = (reason: string): ValueView => ({
    kind: 'bytes',
    reason,
    length: value.length,
    hex: hexDump(value),
  });
  const schemaId = schemaIdOf(value);
  if (schemaId === undefined) return bytes('not in the Confluent wire format');
  if (!serde) return bytes(`schema id ${schemaId}; decoding skipped (--raw)`);
  try {
    const type = await serde.typeFor(schemaId);
    return { kind: 'avro', schemaId, type: type.name, value: toJson(type.fromBuffer(bodyOf(value))) };
  } catch (err) {
    return bytes(`schema id ${schemaId}: ${(err as Error).message}`);
  }
}

/** Avro values to plain JSON: longs given as bigint become numbers or strings, bytes become hex. */
export function toJson(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Buffer.isBuffer(v)) return v.toString('hex');
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJson(x);
    return out;
  }
  return v;
}
