import { describe, expect, it } from 'vitest';
import { canonicalizeAvroSchema } from './canonical-schema.ts';
import { RegistryError } from './errors.ts';

const canon = (schema: unknown) =>
  canonicalizeAvroSchema(typeof schema === 'string' ? schema : JSON.stringify(schema));

function rejection(text: string): RegistryError {
  try {
    canonicalizeAvroSchema(text);
  } catch (err) {
    return err as RegistryError;
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('canonicalizeAvroSchema', () => {
  it('ignores whitespace and attribute order, writing Avro’s fixed order', () => {
    const spaced = `{
      "fields": [ { "type": "string", "name": "sku" } ],
      "namespace": "retail", "name": "Sale", "type": "record"
    }`;
    expect(canon(spaced)).toBe(
      '{"type":"record","name":"Sale","namespace":"retail","fields":[{"name":"sku","type":"string"}]}',
    );
  });

  it('treats a dotted name and name + namespace as the same schema', () => {
    const dotted = { type: 'record', name: 'retail.Sale', fields: [{ name: 'sku', type: 'string' }] };
    const split = {
      type: 'record',
      name: 'Sale',
      namespace: 'retail',
      fields: [{ name: 'sku', type: 'string' }],
    };
    expect(canon(dotted)).toBe(canon(split));
  });

  it('shortens references in the enclosing namespace and keeps foreign ones qualified', () => {
    const schema = {
      type: 'record',
      name: 'Sale',
      namespace: 'retail',
      fields: [
        { name: 'line', type: { type: 'record', name: 'retail.Line', fields: [{ name: 'n', type: 'int' }] } },
        { name: 'again', type: 'retail.Line' },
        { name: 'money', type: 'finance.Money' },
      ],
    };
    const out = JSON.parse(canon(schema));
    expect(out.fields[0].type).toEqual({
      type: 'record',
      name: 'Line',
      fields: [{ name: 'n', type: 'int' }],
    });
    expect(out.fields[1].type).toBe('Line');
    expect(out.fields[2].type).toBe('finance.Money');
  });

  it('writes a nested namespace only where it changes', () => {
    const schema = {
      type: 'record',
      name: 'Sale',
      namespace: 'retail',
      fields: [{ name: 'm', type: { type: 'fixed', name: 'Money', namespace: 'finance', size: 8 } }],
    };
    expect(JSON.parse(canon(schema)).fields[0].type).toEqual({
      type: 'fixed',
      name: 'Money',
      namespace: 'finance',
      size: 8,
    });
  });

  it('collapses a primitive wrapped in an object, but keeps primitives that carry properties', () => {
    expect(canon({ type: 'string' })).toBe('"string"');
    expect(canon({ logicalType: 'timestamp-millis', type: 'long' })).toBe(
      '{"type":"long","logicalType":"timestamp-millis"}',
    );
  });

  it('drops the default "ascending" field order and keeps everything that changes meaning', () => {
    const schema = {
      type: 'record',
      name: 'Sale',
      doc: 'one till sale',
      fields: [
        {
          name: 'a',
          type: 'int',
          order: 'ascending',
          default: 0,
          doc: 'units',
          aliases: ['units'],
          'x-pii': false,
        },
        { name: 'b', type: ['null', 'string'], default: null, order: 'descending' },
      ],
    };
    expect(JSON.parse(canon(schema))).toEqual({
      type: 'record',
      name: 'Sale',
      doc: 'one till sale',
      fields: [
        { name: 'a', type: 'int', doc: 'units', default: 0, aliases: ['units'], 'x-pii': false },
        { name: 'b', type: ['null', 'string'], default: null, order: 'descending' },
      ],
    });
  });

  it('keeps a doc change visible, like Confluent (different text, different schema)', () => {
    const base = { type: 'enum', name: 'Channel', symbols: ['STORE', 'WEB'] };
    expect(canon(base)).not.toBe(canon({ ...base, doc: 'sales channel' }));
  });

  it.each([
    ['', 'empty'],
    ['{"type":"record"', 'not valid JSON'],
    ['{"type":"record","fields":[]}', 'needs a "name"'],
    ['{"type":"record","name":"A"}', '"fields"'],
    ['{"type":"array"}', '"items"'],
    ['42', 'not an Avro type'],
  ])('rejects %j as 42201 (%s)', (text, fragment) => {
    const err = rejection(text);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.confluentErrorCode).toBe(42201);
    expect(err.message).toContain(fragment);
  });

  it('refuses absurdly deep nesting as invalid instead of crashing', () => {
    const deep = '['.repeat(50_000) + '"int"' + ']'.repeat(50_000);
    expect(rejection(deep).confluentErrorCode).toBe(42201);
  });
});
