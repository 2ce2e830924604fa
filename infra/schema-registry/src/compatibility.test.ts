import { describe, expect, it } from 'vitest';
import { parseAvroType } from './avro-type.ts';
import { compatibilityProblems, type PreviousVersion } from './compatibility.ts';
import {
  compatibilityLevels,
  parseCompatibilityLevel,
  type CompatibilityLevel,
} from './compatibility-level.ts';
import { RegistryError } from './errors.ts';

type Field = { name: string; type: unknown; default?: unknown };
const record = (...fields: Field[]) =>
  JSON.stringify({ type: 'record', name: 'Sale', namespace: 'retail', fields });
const type = (schema: string) => parseAvroType(schema);
const history = (...schemas: string[]): PreviousVersion[] =>
  schemas.map((s, i) => ({ version: i + 1, type: type(s) }));
const compatible = (level: CompatibilityLevel, candidate: string, ...previous: string[]) =>
  compatibilityProblems(level, type(candidate), history(...previous)).length === 0;

const sku = { name: 'sku', type: 'string' };
const qty = { name: 'qty', type: 'int' };
const qtyDefault = { name: 'qty', type: 'int', default: 1 };
const store = { name: 'store', type: 'string' };

describe('compatibility rules', () => {
  it('adding a field with a default is BACKWARD and FORWARD compatible, so FULL', () => {
    for (const level of ['BACKWARD', 'FORWARD', 'FULL'] as const) {
      expect(compatible(level, record(sku, qtyDefault), record(sku)), level).toBe(true);
    }
  });

  it('adding a field without a default breaks BACKWARD (old data has no value) but not FORWARD', () => {
    expect(compatible('BACKWARD', record(sku, qty), record(sku))).toBe(false);
    expect(compatible('FORWARD', record(sku, qty), record(sku))).toBe(true);
    expect(compatible('FULL', record(sku, qty), record(sku))).toBe(false);
  });

  it('removing a field without a default breaks FORWARD (old readers need it) but not BACKWARD', () => {
    expect(compatible('BACKWARD', record(sku), record(sku, qty))).toBe(true);
    expect(compatible('FORWARD', record(sku), record(sku, qty))).toBe(false);
    expect(compatible('FULL', record(sku), record(sku, qty))).toBe(false);
  });

  it('removing a field that had a default is FULL compatible', () => {
    expect(compatible('FULL', record(sku), record(sku, qtyDefault))).toBe(true);
  });

  it('changing a field type follows Avro promotion: int → long reads old data, long → int does not', () => {
    const asLong = record(sku, { name: 'qty', type: 'long' });
    expect(compatible('BACKWARD', asLong, record(sku, qty))).toBe(true);
    expect(compatible('FORWARD', asLong, record(sku, qty))).toBe(false);
    expect(compatible('BACKWARD', record(sku, { name: 'qty', type: 'string' }), record(sku, qty))).toBe(
      false,
    );
  });

  it('renaming the record breaks compatibility unless the old name is an alias', () => {
    const renamed = JSON.stringify({ type: 'record', name: 'Sold', namespace: 'retail', fields: [sku] });
    const aliased = JSON.stringify({
      type: 'record',
      name: 'Sold',
      namespace: 'retail',
      aliases: ['Sale'],
      fields: [sku],
    });
    expect(compatible('BACKWARD', renamed, record(sku))).toBe(false);
    expect(compatible('BACKWARD', aliased, record(sku))).toBe(true);
  });

  it('NONE accepts anything', () => {
    expect(compatible('NONE', '"string"', record(sku))).toBe(true);
  });

  it('the first version of a subject is always accepted', () => {
    for (const level of compatibilityLevels) expect(compatible(level, record(sku, qty)), level).toBe(true);
  });

  describe('transitive levels compare with every version, plain ones with the latest only', () => {
    // v1 {sku}, v2 {sku, qty=1}, candidate {sku, qty} (no default): readable from v2's data but not v1's.
    const v1 = record(sku);
    const v2 = record(sku, qtyDefault);
    const candidate = record(sku, qty);

    it('BACKWARD passes against v2, BACKWARD_TRANSITIVE fails on v1', () => {
      expect(compatible('BACKWARD', candidate, v1, v2)).toBe(true);
      expect(compatible('BACKWARD_TRANSITIVE', candidate, v1, v2)).toBe(false);
      const problems = compatibilityProblems('BACKWARD_TRANSITIVE', type(candidate), history(v1, v2));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('version 1');
    });

    it('FORWARD passes against v2, FORWARD_TRANSITIVE fails on v1', () => {
      // v1 {sku, store}, v2 {sku, store=""}: dropping store is readable by v2 (default) but not v1.
      const w1 = record(sku, store);
      const w2 = record(sku, { ...store, default: '' });
      expect(compatible('FORWARD', record(sku), w1, w2)).toBe(true);
      expect(compatible('FORWARD_TRANSITIVE', record(sku), w1, w2)).toBe(false);
    });

    it('FULL passes against v2, FULL_TRANSITIVE fails on v1', () => {
      // v1 {sku}, v2 {sku, store=""}: making store required is fine both ways with v2 (both have
      // it) but cannot read v1's data, which has no store.
      const f1 = record(sku);
      const f2 = record(sku, { ...store, default: '' });
      expect(compatible('FULL', record(sku, store), f1, f2)).toBe(true);
      expect(compatible('FULL_TRANSITIVE', record(sku, store), f1, f2)).toBe(false);
    });
  });
});

describe('parseCompatibilityLevel', () => {
  it('accepts any letter case and answers upper case', () => {
    expect(parseCompatibilityLevel('backward_transitive')).toBe('BACKWARD_TRANSITIVE');
  });

  it('rejects unknown levels with Confluent 42203', () => {
    const err = (() => {
      try {
        parseCompatibilityLevel('SIDEWAYS');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).confluentErrorCode).toBe(42203);
  });
});
