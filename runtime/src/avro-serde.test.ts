import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { AvroSerde, subjectFor } from './avro-serde.ts';
import { readSchemaId } from './wire-format.ts';
import { ValidationError } from './errors.ts';

const type = avro.Type.forSchema({
  type: 'record',
  name: 'Ping',
  namespace: 'retail.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'n', type: 'int' },
  ],
});

describe('Avro wire format', () => {
  // The registry is not needed to frame bytes with an already known type.
  const serde = new AvroSerde(undefined as never);

  it('frames as magic 0 + big-endian schema id + Avro body', () => {
    const buf = serde.encodeWith(258, type, { id: 'a', n: 7 });
    expect([...buf.subarray(0, 5)]).toEqual([0, 0, 0, 1, 2]);
    expect(readSchemaId(buf)).toBe(258);
    expect(type.fromBuffer(buf.subarray(5))).toEqual({ id: 'a', n: 7 });
  });

  it('names the invalid field instead of writing garbage', () => {
    expect(() => serde.encodeWith(1, type, { id: 'a', n: 'seven' })).toThrow(/at n/);
  });

  it('rejects bytes that are not wire format with a typed, non-retriable error', () => {
    for (const bad of [Buffer.from('{"json":true}'), Buffer.from([0, 0, 1])]) {
      let caught: unknown;
      try {
        readSchemaId(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).code).toBe('NOT_WIRE_FORMAT');
    }
  });

  it('builds subjects for both multi-type strategies', () => {
    expect(subjectFor('RecordNameStrategy', 'retail.pos.events', 'retail.SaleRecorded')).toBe(
      'retail.SaleRecorded',
    );
    expect(subjectFor('TopicRecordNameStrategy', 'retail.pos.events', 'retail.SaleRecorded')).toBe(
      'retail.pos.events-retail.SaleRecorded',
    );
  });
});
