import { parseAvroType, type AvroType } from './avro-type.ts';
import { canonicalizeAvroSchema, invalidSchema } from './canonical-schema.ts';
import type { SchemaInput, SchemaReference } from './types.ts';

/** A stored schema: its canonical text and the references it was registered with. */
export interface SchemaRecord {
  schema: string;
  references: SchemaReference[];
}

/** A schema input that has been canonicalised, had its references resolved and parsed. */
export interface PreparedSchema {
  schema: string;
  references: SchemaReference[];
  identity: string;
  type: AvroType;
}

/** Finds the stored schema of a subject version (the registry store's maps). */
export type SchemaLookup = (subject: string, version: number) => SchemaRecord | undefined;

/**
 * What registering or looking up a schema starts with: only Avro, canonical text, references
 * resolved through `lookup` (each must exist), parsed with every schema they reach, and the
 * identity under which the same schema with the same references gets the same id.
 */
export function prepareSchema(input: SchemaInput, lookup: SchemaLookup): PreparedSchema {
  const schemaType = input.schemaType?.toUpperCase() ?? 'AVRO';
  if (schemaType !== 'AVRO') {
    throw invalidSchema(
      schemaType === 'PROTOBUF' || schemaType === 'JSON'
        ? `schemaType ${schemaType} is not supported: this registry implements Avro only ` +
            '(use Confluent Schema Registry, e.g. via docker compose, for Protobuf and JSON Schema)'
        : `unknown schemaType '${input.schemaType}'; the only supported type is AVRO`,
    );
  }
  const schema = canonicalizeAvroSchema(input.schema);
  const references = (input.references ?? []).map(({ name, subject, version }) => ({
    name,
    subject,
    version,
  }));
  const type = parseAvroType(schema, dependencyTexts(references, lookup));
  return { schema, references, identity: identityOf(schema, references), type };
}

/** Texts of everything `references` reaches, dependencies before dependants, each once. */
export function dependencyTexts(
  references: readonly SchemaReference[],
  lookup: SchemaLookup,
  seen = new Set<string>(),
): string[] {
  const texts: string[] = [];
  for (const ref of references) {
    const key = `${ref.subject}\u0000${ref.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const target = lookup(ref.subject, ref.version);
    if (!target) {
      throw invalidSchema(
        `reference '${ref.name}' points to subject '${ref.subject}' version ${ref.version}, which does not exist`,
      );
    }
    texts.push(...dependencyTexts(target.references, lookup, seen), target.schema);
  }
  return texts;
}

export function identityOf(schema: string, references: readonly SchemaReference[]): string {
  return JSON.stringify([schema, references.map(({ name, subject, version }) => [name, subject, version])]);
}
