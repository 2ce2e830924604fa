import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { catalogue, parseSchemaSet } from './catalogue.ts';
import { composeSchema, composedSchemaText, definedNames, SchemaCompositionError } from './compose.ts';

/** Every name a (composed) schema uses in a type position, qualified where it is used. */
function usedNames(node: unknown, ns = '', out: string[] = []): string[] {
  const primitives = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'];
  if (typeof node === 'string') {
    if (!primitives.includes(node)) out.push(node.includes('.') || !ns ? node : `${ns}.${node}`);
  } else if (Array.isArray(node)) {
    for (const b of node) usedNames(b, ns, out);
  } else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'record' || o.type === 'enum') {
      const full = String(o.name).includes('.')
        ? String(o.name)
        : `${String(o.namespace ?? ns)}.${String(o.name)}`;
      const inner = full.slice(0, full.lastIndexOf('.'));
      for (const f of (o.fields as { type: unknown }[] | undefined) ?? []) usedNames(f.type, inner, out);
    } else if (o.type === 'array') usedNames(o.items, ns, out);
    else if (o.type === 'map') usedNames(o.values, ns, out);
    else usedNames(o.type, ns, out);
  }
  return out;
}

describe('composeSchema', () => {
  it.each(catalogue.eventTypes)(
    '%s parses on its own into the same Avro type as the catalogue',
    (eventType) => {
      const event = catalogue.events.get(eventType)!;
      // No shared registry: exactly what a tool that fetched the schema by id has.
      const alone = avro.Type.forSchema(
        JSON.parse(composedSchemaText(catalogue, event.fullName)) as avro.Schema,
      );
      expect(alone.name).toBe(event.fullName);
      // The fingerprint is over Avro's Parsing Canonical Form: same fields, types, order and names.
      expect(alone.fingerprint('sha256').toString('hex')).toBe(
        event.type.fingerprint('sha256').toString('hex'),
      );
    },
  );

  it.each(catalogue.eventTypes)(
    '%s defines every named type once, at first use, and references nothing else',
    (eventType) => {
      const composed = composeSchema(catalogue, catalogue.events.get(eventType)!.fullName);
      const defined = definedNames(composed);
      expect(new Set(defined).size).toBe(defined.length);
      for (const name of usedNames(composed)) expect(defined, `${eventType} uses ${name}`).toContain(name);
    },
  );

  it('inlines nested types depth first and names a type used twice by full name', () => {
    const sale = composeSchema(catalogue, 'retail.events.SaleRecorded');
    expect(definedNames(sale)).toEqual([
      'retail.events.SaleRecorded',
      'retail.events.SaleLine',
      'retail.events.LotQuantity',
      'retail.events.StockChange',
      'retail.events.Enrichment',
      'retail.events.ProductRef',
      'retail.ref.DrugInfo',
    ]);
    const field = (name: string) => sale.fields!.find((f) => f.name === name)!;
    // LotQuantity was defined inside SaleLine; StockChange.lots names it.
    const stock = field('stock').type as { items: { fields: { name: string; type: unknown }[] } };
    expect(stock.items.fields.find((f) => f.name === 'lots')!.type).toEqual({
      type: 'array',
      items: 'retail.events.LotQuantity',
    });
    // An inlined type in another namespace says so, so its host's namespace does not apply.
    expect(JSON.stringify(sale)).toContain('"name":"DrugInfo","namespace":"retail.ref"');
    // Docs and defaults stay (they are part of the registered schema, as authored).
    expect(field('enrichment')).toMatchObject({ default: null, doc: expect.stringContaining('ingest') });
  });

  it('leaves the catalogue untouched and refuses a name the set does not define', () => {
    const before = catalogue.events.get('SaleRecorded')!.schemaText;
    composeSchema(catalogue, 'retail.events.SaleRecorded');
    expect(catalogue.events.get('SaleRecorded')!.schemaText).toBe(before);

    const set = parseSchemaSet([
      {
        file: 'A.avsc',
        text: '{"type":"record","name":"A","namespace":"x","fields":[{"name":"b","type":"x.B"}]}',
      },
      { file: 'B.avsc', text: '{"type":"enum","name":"B","namespace":"x","symbols":["ONE"]}' },
    ]);
    expect(composeSchema(set, 'x.A').fields![0]!.type).toEqual({
      type: 'enum',
      name: 'B',
      namespace: 'x',
      symbols: ['ONE'],
    });
    expect(() => composeSchema(set, 'x.Missing')).toThrow(SchemaCompositionError);
  });
});
