import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { AvroField, Catalogue, NamedSchema } from './catalogue.ts';

/**
 * TypeScript types generated from the catalogue, so no event type is ever written twice by hand.
 * `renderTypes` is pure; `generateTypesSource` formats the result with the repository's prettier
 * settings (the committed file must pass `prettier --check`). Tooling only: not exported from the
 * package index, so services never load prettier.
 */

export const GENERATED_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  'generated',
  'events.ts',
);

const HEADER = `// generated — do not edit.
// Source: schemas/avro/*.avsc. Regenerate with \`npm run generate -w @retail-stream/schemas\`;
// schemas/src/codegen.test.ts fails while this file is stale.

/*
 * Avro → TypeScript:
 * - string → string; boolean → boolean; int, long, float, double → number.
 *   long → number is exact: JS numbers represent every integer up to 2^53 (≈ 9.007e15), far above
 *   any amount in minor units (even in VND) and any store_seq; avsc refuses to encode or decode a
 *   long beyond ±(2^53 - 2) instead of rounding it.
 * - {"type":"long","logicalType":"timestamp-millis"} → number (epoch milliseconds, UTC).
 * - ["null", T] → T | null: the property is always present, null when absent.
 * - array → T[]; map → Record<string, T>; enum → union of string literals (+ a const list of symbols).
 * - Store events' event_type → the record name as a string literal, so StoreEvent narrows on it.
 */
`;

const PRIMITIVE_TS: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

/** The generated module's source, before formatting. */
export function renderTypes(catalogue: Catalogue): string {
  const out: string[] = [HEADER];
  for (const schema of catalogue.schemas) {
    out.push(schema.kind === 'enum' ? renderEnum(schema) : renderRecord(schema, catalogue));
  }

  const store = catalogue.storeEventTypes;
  const others = catalogue.eventTypes.filter((t) => !store.includes(t));
  out.push(
    jsdoc(
      `Every store event (topic ${catalogue.events.get(store[0]!)?.topic}), discriminated by \`event_type\`.`,
    ),
    `export type StoreEvent = ${store.join(' | ')};`,
    '',
    "export type StoreEventType = StoreEvent['event_type'];",
    '',
    `export const STORE_EVENT_TYPES: readonly StoreEventType[] = [${store.map(quote).join(', ')}];`,
    '',
    jsdoc(
      'Every record that travels as a Kafka value (store events, reference data, KPI output), by event type.',
    ),
    'export interface EventTypeMap {',
    ...catalogue.eventTypes.map((t) => `  ${t}: ${t};`),
    '}',
    '',
    'export type EventType = keyof EventTypeMap;',
    '',
    `export const EVENT_TYPES: readonly EventType[] = [${catalogue.eventTypes.map(quote).join(', ')}];`,
    '',
    jsdoc('Records outside the store event stream: reference data and KPI output.'),
    `export type NonStoreRecord = ${others.join(' | ') || 'never'};`,
    '',
  );
  return out.join('\n');
}

/** The generated module as committed: rendered and formatted with the repository's prettier config. */
export async function generateTypesSource(
  catalogue: Catalogue,
  file: string = GENERATED_FILE,
): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  return format(renderTypes(catalogue), { ...options, parser: 'typescript', filepath: file });
}

function renderEnum(schema: NamedSchema): string {
  const symbols = schema.schema.symbols ?? [];
  const constName = `${screamingSnake(schema.name)}_SYMBOLS`;
  return [
    jsdoc(withFullName(schema)),
    `export type ${schema.name} = ${symbols.map(quote).join(' | ')};`,
    '',
    jsdoc(`Symbols of ${schema.name}, in schema order.`),
    `export const ${constName}: readonly ${schema.name}[] = [${symbols.map(quote).join(', ')}];`,
    '',
  ].join('\n');
}

function renderRecord(schema: NamedSchema, catalogue: Catalogue): string {
  const isStoreEvent = catalogue.events.get(schema.name)?.category === 'store';
  const lines = [jsdoc(withFullName(schema)), `export interface ${schema.name} {`];
  for (const field of schema.schema.fields ?? []) {
    const tsType =
      isStoreEvent && field.name === 'event_type' ? quote(schema.name) : tsTypeOf(field.type, schema);
    // The Avro type is spelled out where TypeScript loses information: int vs long, logical types, defaults.
    const label = avroTypeLabel(field);
    const showLabel = /\b(int|long|float|double|bytes)\b/.test(label) || field.default !== undefined;
    const doc = [field.doc, showLabel ? `Avro: ${label}.` : undefined].filter(Boolean).join(' ');
    if (doc) lines.push(indent(jsdoc(doc, 98)));
    lines.push(`  ${field.name}: ${tsType};`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

function tsTypeOf(node: unknown, owner: NamedSchema): string {
  if (typeof node === 'string') {
    const primitive = PRIMITIVE_TS[node];
    if (primitive) return primitive;
    // Named types are referenced by full name; their TypeScript name is the simple name.
    return node.slice(node.lastIndexOf('.') + 1);
  }
  if (Array.isArray(node)) {
    const nonNull = node.filter((branch) => branch !== 'null');
    if (nonNull.length !== 1 || nonNull.length === node.length) {
      // avsc would wrap such unions ({"string": …}); no catalogue type needs them yet.
      throw new Error(
        `${owner.fullName}: only ["null", T] unions are supported by the generator, got ${JSON.stringify(node)}`,
      );
    }
    return `${tsTypeOf(nonNull[0], owner)} | null`;
  }
  if (node !== null && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if (obj.type === 'array') {
      const items = tsTypeOf(obj.items, owner);
      return items.includes('|') ? `Array<${items}>` : `${items}[]`;
    }
    if (obj.type === 'map') return `Record<string, ${tsTypeOf(obj.values, owner)}>`;
    if (obj.type === 'record' || obj.type === 'enum' || obj.type === 'fixed') {
      throw new Error(
        `${owner.fullName}: inline named types are not allowed; give ${String(obj.name)} its own file`,
      );
    }
    // A primitive with attributes, e.g. {"type":"long","logicalType":"timestamp-millis"}.
    return tsTypeOf(obj.type, owner);
  }
  throw new Error(`${owner.fullName}: unsupported Avro type ${JSON.stringify(node)}`);
}

function avroTypeLabel(field: AvroField): string {
  const label = (node: unknown): string => {
    if (typeof node === 'string') return node;
    if (Array.isArray(node)) return `[${node.map(label).join(', ')}]`;
    const obj = node as Record<string, unknown>;
    if (obj.type === 'array') return `array<${label(obj.items)}>`;
    if (obj.type === 'map') return `map<${label(obj.values)}>`;
    return typeof obj.logicalType === 'string' ? `${label(obj.type)} (${obj.logicalType})` : label(obj.type);
  };
  const base = label(field.type);
  return field.default !== undefined ? `${base}, default ${JSON.stringify(field.default)}` : base;
}

function withFullName(schema: NamedSchema): string {
  return [schema.schema.doc, `Avro ${schema.kind} \`${schema.fullName}\` (${schema.file}).`]
    .filter(Boolean)
    .join('\n\n');
}

/** A doc comment, wrapped to fit the line width (prettier leaves comments alone). */
function jsdoc(text: string, width = 100): string {
  const body = text
    .replaceAll('*/', '*\\/')
    .split('\n')
    .flatMap((paragraph) => wrap(paragraph, width - 3));
  if (body.length === 1 && body[0]!.length <= width - 7) return `/** ${body[0]} */`;
  return ['/**', ...body.map((l) => (l ? ` * ${l}` : ' *')), ' */'].join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function quote(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function screamingSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
