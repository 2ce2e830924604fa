import { RegistryError } from './errors.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/**
 * Turns Avro schema text into the one string the registry stores, returns and uses for identity.
 *
 * Confluent stores Avro Java's `Schema.toString()`: whitespace gone, attributes in a fixed order,
 * namespaces written only where they change, type references shortened relative to the enclosing
 * namespace. We mirror that layout so two texts that differ only in formatting, attribute order or
 * how a name is qualified get the same id — while docs, defaults, aliases and custom properties are
 * kept, because Confluent treats schemas that differ in those as different schemas too.
 *
 * This only checks the structure it has to walk; semantic validation (unknown type names, bad
 * defaults, duplicate names) is avsc's job in avro-type.ts.
 */
export function canonicalizeAvroSchema(text: string): string {
  if (text.trim() === '') throw invalidSchema('the schema is empty');
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (err) {
    throw invalidSchema(`the schema is not valid JSON (${(err as Error).message})`);
  }
  try {
    return JSON.stringify(canonicalType(parsed, ''));
  } catch (err) {
    if (err instanceof RangeError) throw invalidSchema('the schema is nested too deeply', err);
    throw err;
  }
}

export function invalidSchema(reason: string, cause?: unknown): RegistryError {
  return new RegistryError('INVALID_SCHEMA', `Invalid schema: ${reason}`, { cause });
}

/** `namespace` is the enclosing namespace ('' = none), which unqualified names resolve against. */
function canonicalType(node: Json, namespace: string): Json {
  if (typeof node === 'string')
    return PRIMITIVES.has(node) ? node : relativeName(fullName(node, namespace), namespace);
  if (Array.isArray(node)) return node.map((branch) => canonicalType(branch, namespace));
  if (node === null || typeof node !== 'object')
    throw invalidSchema(`${JSON.stringify(node)} is not an Avro type`);

  const type = node.type;
  if (typeof type !== 'string') {
    // `{"type": {...}}` with nothing else is just a wrapped type; anything richer is ambiguous.
    if (type !== undefined && Object.keys(node).length === 1) return canonicalType(type, namespace);
    throw invalidSchema(`a type object needs a string "type", got ${JSON.stringify(type ?? null)}`);
  }
  switch (type) {
    case 'record':
    case 'error':
      return namedType(node, namespace, ['fields'], (ns) => ({ fields: fieldsOf(node, ns) }));
    case 'enum':
      return namedType(node, namespace, ['symbols', 'default'], () => pick(node, ['symbols', 'default']));
    case 'fixed':
      return namedType(node, namespace, ['size'], () => pick(node, ['size']));
    case 'array':
      return {
        type,
        items: canonicalType(required(node, 'items', 'array'), namespace),
        ...rest(node, ['type', 'items']),
      };
    case 'map':
      return {
        type,
        values: canonicalType(required(node, 'values', 'map'), namespace),
        ...rest(node, ['type', 'values']),
      };
    default: {
      const props = rest(node, ['type']);
      if (Object.keys(props).length === 0) return canonicalType(type, namespace);
      // Primitives with properties (logicalType, precision, connect.* …) stay objects; Avro keeps them.
      return {
        type: PRIMITIVES.has(type) ? type : relativeName(fullName(type, namespace), namespace),
        ...props,
      };
    }
  }
}

/** record, enum and fixed: name, namespace, doc, the kind's own attributes, custom props, aliases. */
function namedType(
  node: JsonObject,
  enclosing: string,
  ownKeys: string[],
  body: (namespace: string) => JsonObject,
): JsonObject {
  const rawName = node.name;
  if (typeof rawName !== 'string' || rawName === '')
    throw invalidSchema(`a ${String(node.type)} needs a "name"`);
  const declared = typeof node.namespace === 'string' ? node.namespace : enclosing;
  const full = rawName.includes('.') ? rawName : declared ? `${declared}.${rawName}` : rawName;
  const namespace = namespaceOf(full);
  const out: JsonObject = { type: node.type as string, name: simpleName(full) };
  if (namespace !== enclosing) out.namespace = namespace;
  if (typeof node.doc === 'string') out.doc = node.doc;
  Object.assign(
    out,
    body(namespace),
    rest(node, ['type', 'name', 'namespace', 'doc', 'aliases', ...ownKeys]),
  );
  if (node.aliases !== undefined) out.aliases = node.aliases;
  return out;
}

function fieldsOf(record: JsonObject, namespace: string): Json[] {
  const fields = record.fields;
  if (!Array.isArray(fields)) throw invalidSchema(`record ${String(record.name)} needs a "fields" array`);
  return fields.map((field) => {
    if (
      field === null ||
      typeof field !== 'object' ||
      Array.isArray(field) ||
      typeof field.name !== 'string'
    ) {
      throw invalidSchema(`every field of record ${String(record.name)} needs a "name"`);
    }
    const out: JsonObject = {
      name: field.name,
      type: canonicalType(required(field, 'type', 'field'), namespace),
    };
    if (typeof field.doc === 'string') out.doc = field.doc;
    if (field.default !== undefined) out.default = field.default;
    // "ascending" is the default sort order; Avro omits it, so writing it must not change the id.
    if (field.order !== undefined && field.order !== 'ascending') out.order = field.order;
    if (field.aliases !== undefined) out.aliases = field.aliases;
    return Object.assign(out, rest(field, ['name', 'type', 'doc', 'default', 'order', 'aliases']));
  });
}

function required(node: JsonObject, key: string, what: string): Json {
  const value = node[key];
  if (value === undefined) throw invalidSchema(`an ${what} needs "${key}"`);
  return value;
}

function pick(node: JsonObject, keys: string[]): JsonObject {
  return Object.fromEntries(keys.filter((k) => node[k] !== undefined).map((k) => [k, node[k] as Json]));
}

function rest(node: JsonObject, taken: string[]): JsonObject {
  return Object.fromEntries(Object.entries(node).filter(([k]) => !taken.includes(k)));
}

function fullName(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}

function relativeName(full: string, namespace: string): string {
  return namespaceOf(full) === namespace ? simpleName(full) : full;
}

function namespaceOf(full: string): string {
  const dot = full.lastIndexOf('.');
  return dot < 0 ? '' : full.slice(0, dot);
}

function simpleName(full: string): string {
  return full.slice(full.lastIndexOf('.') + 1);
}
