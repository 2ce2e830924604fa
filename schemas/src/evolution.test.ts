import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { catalogue, eventSchema, type AvroField, type AvroNamedSchema } from './catalogue.ts';
import { backwardProblem, evolutionProblems, removedFieldsWithoutDefault } from './evolution.ts';

/**
 * The check can fail: example changes to a copy of SaleRecorded, judged with avsc directly, the same
 * way the registry judges them on registration (reader = new schema, writer = every old one).
 */

const current = eventSchema('SaleRecorded');

/** A variant of SaleRecorded built in a fresh registry that holds the current referenced types. */
function variant(edit: (fields: AvroField[]) => AvroField[]): avro.Type {
  const registry: Record<string, avro.Type> = {};
  for (const ref of catalogue.schemas) {
    if (ref.fullName === current.fullName) continue;
    avro.Type.forSchema(structuredClone(ref.schema) as avro.Schema, { registry });
  }
  const copy = structuredClone(current.schema) as AvroNamedSchema;
  copy.fields = edit(copy.fields ?? []);
  return avro.Type.forSchema(copy as avro.Schema, { registry });
}

describe('evolution rule (BACKWARD_TRANSITIVE + never remove a field without default)', () => {
  it('an unchanged schema is compatible with itself', () => {
    expect(evolutionProblems(current.type, current.type)).toEqual([]);
  });

  it('an additive field with a default is compatible', () => {
    const next = variant((f) => [...f, { name: 'loyalty_points', type: ['null', 'long'], default: null }]);
    expect(backwardProblem(next, current.type)).toBeUndefined();
    expect(evolutionProblems(current.type, next)).toEqual([]);
  });

  it('removing a field without a default is caught: avsc BACKWARD alone would let it through', () => {
    const next = variant((f) => f.filter((field) => field.name !== 'transaction_id'));
    // A new reader just skips the old field, so plain Avro BACKWARD accepts the removal …
    expect(backwardProblem(next, current.type)).toBeUndefined();
    // … but consumers still on the old schema could not read the new data: the rule refuses it.
    expect(evolutionProblems(current.type, next)).toEqual([
      'retail.events.SaleRecorded.transaction_id was removed but has no default (consumers on the old schema need it)',
    ]);
  });

  it('removing a field that has a default is allowed (old readers fill in the default)', () => {
    const next = variant((f) => f.filter((field) => field.name !== 'customer_ref'));
    expect(evolutionProblems(current.type, next)).toEqual([]);
  });

  it('adding a field without a default is not BACKWARD compatible (old data lacks it)', () => {
    const next = variant((f) => [...f, { name: 'store_name', type: 'string' }]);
    expect(backwardProblem(next, current.type)).toMatch(/store_name/);
    expect(evolutionProblems(current.type, next)[0]).toMatch(/^not BACKWARD compatible/);
  });

  it('renaming a field without an alias is not compatible; with an alias it is', () => {
    const rename = (alias: boolean) =>
      variant((f) =>
        f.map((field) =>
          field.name === 'total_minor'
            ? { ...field, name: 'grand_total_minor', ...(alias ? { aliases: ['total_minor'] } : {}) }
            : field,
        ),
      );
    expect(evolutionProblems(current.type, rename(false)).length).toBeGreaterThan(0);
    expect(evolutionProblems(current.type, rename(true))).toEqual([]);
  });

  it('narrowing a type (long → int) is not compatible; widening (int → long) is', () => {
    const narrowed = variant((f) =>
      f.map((field) => (field.name === 'total_minor' ? { ...field, type: 'int' } : field)),
    );
    expect(backwardProblem(narrowed, current.type)).toBeDefined();
    const widened = variant((f) =>
      f.map((field) => (field.name === 'item_count' ? { ...field, type: 'long' } : field)),
    );
    expect(backwardProblem(widened, current.type)).toBeUndefined();
  });

  it('removing a field without default deep inside a referenced record is caught too', () => {
    const registry: Record<string, avro.Type> = {};
    for (const s of catalogue.schemas) {
      if (s.fullName === current.fullName) continue;
      const schema = structuredClone(s.schema) as AvroNamedSchema;
      if (s.fullName === 'retail.events.SaleLine')
        schema.fields = schema.fields!.filter((f) => f.name !== 'barcode');
      avro.Type.forSchema(schema as avro.Schema, { registry });
    }
    const next = avro.Type.forSchema(structuredClone(current.schema) as avro.Schema, { registry });
    expect(removedFieldsWithoutDefault(current.type, next)).toEqual([
      'retail.events.SaleLine.barcode was removed but has no default (consumers on the old schema need it)',
    ]);
  });

  it('removing an enum symbol is not compatible; adding one is', () => {
    const payment = eventSchema('PaymentCaptured');
    const withSymbols = (symbols: string[]) => {
      const registry: Record<string, avro.Type> = {};
      for (const name of ['retail.ref.DrugInfo', 'retail.events.ProductRef', 'retail.events.Enrichment']) {
        avro.Type.forSchema(structuredClone(catalogue.byFullName.get(name)!.schema) as avro.Schema, {
          registry,
        });
      }
      avro.Type.forSchema(
        {
          ...structuredClone(catalogue.byFullName.get('retail.events.PaymentMethod')!.schema),
          symbols,
        } as avro.Schema,
        {
          registry,
        },
      );
      return avro.Type.forSchema(structuredClone(payment.schema) as avro.Schema, { registry });
    };
    expect(backwardProblem(withSymbols(['CASH', 'CARD']), payment.type)).toBeDefined();
    expect(backwardProblem(withSymbols(['CASH', 'CARD', 'QR', 'VOUCHER']), payment.type)).toBeUndefined();
  });
});
