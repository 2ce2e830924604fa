import avsc from 'avsc';
import { invalidSchema } from './canonical-schema.ts';

export type AvroType = avsc.Type;

/**
 * Builds the avsc type of a (canonical) schema. `dependencies` are the texts of every schema it
 * references, directly or through other references, in dependency order: they are parsed into the
 * same avsc registry first, so the names they define resolve — the Avro analogue of Confluent
 * loading referenced schemas before parsing.
 */
export function parseAvroType(schema: string, dependencies: readonly string[] = []): AvroType {
  const registry: Record<string, avsc.Type> = {};
  const options = { registry, noAnonymousTypes: true };
  try {
    for (const dependency of dependencies) avsc.Type.forSchema(JSON.parse(dependency), options);
  } catch (err) {
    throw invalidSchema(`a referenced schema does not parse (${(err as Error).message})`, err);
  }
  try {
    return avsc.Type.forSchema(JSON.parse(schema), options);
  } catch (err) {
    throw invalidSchema((err as Error).message, err);
  }
}
