import type { AvroField, AvroNamedSchema, SchemaSet } from './catalogue.ts';

/**
 * Self-contained ("composed") schemas: what the registry holds for every top-level record.
 *
 * Authoring keeps one `.avsc` per named type, shared types referenced by full name. On the wire a
 * schema fetched by id must parse on its own: many tools (Confluent's JS deserializer with nested
 * references, kafkajs's old client, UIs) cannot follow Confluent schema references. So each
 * top-level record is composed into one schema with the Avro rule for named types: a type is
 * defined inline where it is first used (depth first, in field order) and every later use names it
 * by full name. Decoding is unchanged: the composed schema describes exactly the same Avro type.
 */

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

export class SchemaCompositionError extends Error {
  override name = 'SchemaCompositionError';
}

/** The record `fullName` with every type it reaches defined inline, once; a new object. */
export function composeSchema(set: Pick<SchemaSet, 'byFullName'>, fullName: string): AvroNamedSchema {
  const root = set.byFullName.get(fullName);
  if (!root) throw new SchemaCompositionError(`${fullName} is not in the schema set`);
  const defined = new Set<string>([fullName]);

  const definition = (schema: AvroNamedSchema, full: string): AvroNamedSchema => {
    // The namespace is written explicitly: an inlined type must not inherit its host's namespace.
    const out: AvroNamedSchema = { ...schema, name: simpleName(full), namespace: namespaceOf(full) };
    if (schema.fields) {
      out.fields = schema.fields.map((field): AvroField => ({
        ...field,
        type: expand(field.type, namespaceOf(full)),
      }));
    }
    return out;
  };

  const expand = (node: unknown, namespace: string): unknown => {
    if (typeof node === 'string') {
      if (PRIMITIVES.has(node)) return node;
      const full = qualify(node, namespace);
      // Later uses name the type by its full name, so they resolve wherever they sit.
      if (defined.has(full)) return full;
      const target = set.byFullName.get(full);
      if (!target)
        throw new SchemaCompositionError(`${fullName} uses ${full}, which the set does not define`);
      defined.add(full);
      return definition(target.schema, full);
    }
    if (Array.isArray(node)) return node.map((branch) => expand(branch, namespace));
    if (node === null || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    if (obj.type === 'array') return { ...obj, items: expand(obj.items, namespace) };
    if (obj.type === 'map') return { ...obj, values: expand(obj.values, namespace) };
    if (['record', 'error', 'enum', 'fixed'].includes(String(obj.type))) {
      // The catalogue has no inline definitions (one type per file), so this is never reached there.
      throw new SchemaCompositionError(
        `${fullName}: inline definition of ${String(obj.name)} in a source file`,
      );
    }
    // A primitive with properties (logicalType) or a wrapped name.
    return { ...obj, type: expand(obj.type, namespace) };
  };

  return definition(structuredClone(root.schema) as AvroNamedSchema, fullName);
}

/** The composed schema as sent to the registry (compact JSON). */
export function composedSchemaText(set: Pick<SchemaSet, 'byFullName'>, fullName: string): string {
  return JSON.stringify(composeSchema(set, fullName));
}

/** Full names of the named types a composed schema defines, in definition order (for checks). */
export function definedNames(schema: unknown, namespace = ''): string[] {
  const names: string[] = [];
  const walk = (node: unknown, ns: string): void => {
    if (Array.isArray(node)) return node.forEach((branch) => walk(branch, ns));
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (['record', 'error', 'enum', 'fixed'].includes(String(obj.type))) {
      const full = qualify(String(obj.name), typeof obj.namespace === 'string' ? obj.namespace : ns);
      names.push(full);
      for (const field of (obj.fields as AvroField[] | undefined) ?? []) walk(field.type, namespaceOf(full));
      return;
    }
    if (obj.type === 'array') return walk(obj.items, ns);
    if (obj.type === 'map') return walk(obj.values, ns);
    walk(obj.type, ns);
  };
  walk(schema, namespace);
  return names;
}

function qualify(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}

function namespaceOf(full: string): string {
  const dot = full.lastIndexOf('.');
  return dot < 0 ? '' : full.slice(0, dot);
}

function simpleName(full: string): string {
  return full.slice(full.lastIndexOf('.') + 1);
}
