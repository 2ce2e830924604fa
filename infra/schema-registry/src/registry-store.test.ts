import { describe, expect, it } from 'vitest';
import { RegistryError, type RegistryErrorCode } from './errors.ts';
import type { RegistryEvent } from './events.ts';
import { RegistryStore } from './registry-store.ts';

function newStore() {
  const events: RegistryEvent[] = [];
  const store = new RegistryStore({
    defaultCompatibility: 'BACKWARD',
    sink: { append: (e) => events.push(e) },
  });
  return { store, events };
}

function codeOf(fn: () => unknown): RegistryErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof RegistryError) return err.code;
    throw err;
  }
  return undefined;
}

const sale = (...extra: object[]) =>
  JSON.stringify({
    type: 'record',
    name: 'Sale',
    namespace: 'retail',
    fields: [{ name: 'sku', type: 'string' }, ...extra],
  });
const address = JSON.stringify({
  type: 'record',
  name: 'Address',
  namespace: 'retail.common',
  fields: [{ name: 'city', type: 'string' }],
});
const storeWithAddress = JSON.stringify({
  type: 'record',
  name: 'Store',
  namespace: 'retail',
  fields: [{ name: 'address', type: 'retail.common.Address' }],
});
const addressRef = { name: 'retail.common.Address', subject: 'address', version: 1 };

describe('RegistryStore', () => {
  it('registering the same schema again returns the same id and adds no version', () => {
    const { store, events } = newStore();
    const first = store.register('sales', { schema: sale() });
    const again = store.register('sales', { schema: ` ${sale()} ` });
    expect(again).toEqual({ id: first.id, version: 1, created: false });
    expect(events).toHaveLength(1);
  });

  it('the same schema under another subject reuses the global id with its own version 1', () => {
    const { store } = newStore();
    store.register('a', { schema: '"int"' });
    const sales = store.register('sales', { schema: sale() });
    const returns = store.register('returns', { schema: sale() });
    expect(returns).toEqual({ id: sales.id, version: 1, created: true });
    expect(store.subjectVersionsOfId(sales.id, false)).toEqual([
      { subject: 'returns', version: 1 },
      { subject: 'sales', version: 1 },
    ]);
  });

  it('refuses an incompatible schema and stores nothing', () => {
    const { store, events } = newStore();
    store.register('sales', { schema: sale() });
    expect(codeOf(() => store.register('sales', { schema: sale({ name: 'qty', type: 'int' }) }))).toBe(
      'INCOMPATIBLE_SCHEMA',
    );
    expect(events).toHaveLength(1);
    expect(store.listVersions('sales', true)).toEqual([1]);
  });

  it('soft delete hides a version but its id still resolves; permanent delete needs soft first', () => {
    const { store } = newStore();
    const { id } = store.register('sales', { schema: sale() });
    store.register('sales', { schema: sale({ name: 'qty', type: 'int', default: 1 }) });

    expect(codeOf(() => store.deleteVersion('sales', 1, true))).toBe('VERSION_NOT_SOFT_DELETED');
    expect(store.deleteVersion('sales', 1, false)).toBe(1);
    expect(codeOf(() => store.deleteVersion('sales', 1, false))).toBe('VERSION_SOFT_DELETED');
    expect(store.listVersions('sales', false)).toEqual([2]);
    expect(codeOf(() => store.getVersion('sales', 1, false))).toBe('VERSION_NOT_FOUND');
    expect(store.getVersion('sales', 1, true).deleted).toBe(true);
    expect(store.schemaById(id).schema).toBe(sale());

    expect(store.deleteVersion('sales', 1, true)).toBe(1);
    expect(codeOf(() => store.schemaById(id))).toBe('SCHEMA_NOT_FOUND');
    expect(store.listVersions('sales', true)).toEqual([2]);
  });

  it('deleting a subject: soft, then again is 40404, permanent before soft is 40405', () => {
    const { store } = newStore();
    store.register('sales', { schema: sale() });
    store.setSubjectCompatibility('sales', 'FULL');
    expect(codeOf(() => store.deleteSubject('sales', true))).toBe('SUBJECT_NOT_SOFT_DELETED');
    expect(store.deleteSubject('sales', false)).toEqual([1]);
    expect(codeOf(() => store.deleteSubject('sales', false))).toBe('SUBJECT_SOFT_DELETED');
    expect(codeOf(() => store.listVersions('sales', false))).toBe('SUBJECT_NOT_FOUND');
    // The subject's own level goes with it, as in Confluent.
    expect(codeOf(() => store.subjectCompatibility('sales', false))).toBe(
      'SUBJECT_COMPATIBILITY_NOT_CONFIGURED',
    );
    expect(store.deleteSubject('sales', true)).toEqual([1]);
    expect(codeOf(() => store.deleteSubject('sales', true))).toBe('SUBJECT_NOT_FOUND');
  });

  it('re-registering after a soft delete makes a new version with the same id; versions keep counting', () => {
    const { store } = newStore();
    const { id } = store.register('sales', { schema: sale() });
    store.deleteSubject('sales', false);
    expect(store.register('sales', { schema: sale() })).toEqual({ id, version: 2, created: true });
  });

  it('compatibility is only checked against live versions', () => {
    const { store } = newStore();
    store.register('sales', { schema: sale() });
    store.deleteSubject('sales', false);
    expect(store.register('sales', { schema: '"string"' }).created).toBe(true);
  });

  it('resolves references, and refuses to delete a referenced version', () => {
    const { store } = newStore();
    store.register('address', { schema: address });
    expect(codeOf(() => store.register('stores', { schema: storeWithAddress }))).toBe('INVALID_SCHEMA');
    const { id } = store.register('stores', { schema: storeWithAddress, references: [addressRef] });
    expect(store.schemaById(id).references).toEqual([addressRef]);
    expect(store.referencedBy('address', 1)).toEqual([id]);
    expect(codeOf(() => store.deleteSubject('address', false))).toBe('REFERENCE_EXISTS');
    expect(codeOf(() => store.deleteVersion('address', 1, false))).toBe('REFERENCE_EXISTS');
  });

  it('a reference to a missing subject version is an invalid schema', () => {
    const { store } = newStore();
    expect(
      codeOf(() => store.register('stores', { schema: storeWithAddress, references: [addressRef] })),
    ).toBe('INVALID_SCHEMA');
  });

  it('refuses Protobuf and JSON Schema clearly', () => {
    const { store } = newStore();
    expect(() => store.register('p', { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' })).toThrow(
      /PROTOBUF is not supported: this registry implements Avro only/,
    );
  });

  it('lookup finds the version holding a schema, 40403 when none, 40401 for unknown subjects', () => {
    const { store } = newStore();
    store.register('sales', { schema: sale() });
    expect(store.lookup('sales', { schema: sale() }, false)).toMatchObject({
      subject: 'sales',
      version: 1,
      id: 1,
    });
    expect(codeOf(() => store.lookup('sales', { schema: '"int"' }, false))).toBe('SCHEMA_NOT_FOUND');
    expect(codeOf(() => store.lookup('nope', { schema: '"int"' }, false))).toBe('SUBJECT_NOT_FOUND');
  });

  it('a subject level overrides the global one; deleting it falls back', () => {
    const { store } = newStore();
    store.register('sales', { schema: sale() });
    store.setSubjectCompatibility('sales', 'NONE');
    expect(store.register('sales', { schema: '"string"' }).created).toBe(true);
    expect(store.deleteSubjectCompatibility('sales')).toBe('NONE');
    expect(store.subjectCompatibility('sales', true)).toBe('BACKWARD');
    expect(store.compatibilityProblems('sales', 'latest', { schema: '"int"' })).not.toEqual([]);
  });

  it('counts what it holds for the metrics gauges', () => {
    const { store } = newStore();
    store.register('a', { schema: '"int"' });
    store.register('b', { schema: '"int"' });
    store.register('c', { schema: '"long"' });
    store.deleteSubject('c', false);
    expect(store.stats()).toEqual({ subjects: 2, versions: 2, schemas: 2 });
  });
});
