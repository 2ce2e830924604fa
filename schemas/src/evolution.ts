import type avro from 'avsc';

/**
 * The evolution rule, checked locally with avsc (the registry applies the same BACKWARD check on
 * registration; see compatibility.int.test.ts).
 *
 * BACKWARD: a consumer on the new schema can read everything written with the old one — avsc can
 * build a resolver from the old (writer) type to the new (reader) type. That catches adding a
 * field without a default, incompatible type changes, renames without an alias and removed enum
 * symbols. It does *not* catch removing a field: the new reader simply skips it. But consumers
 * that have not upgraded yet would then fail on new data, so the team rule adds: never remove a
 * field that has no default. `evolutionProblems` checks both.
 */

/** Why `reader` cannot read data written with `writer`, or undefined when it can. */
export function backwardProblem(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Fields without a default that exist in a record of `previous` but not in the record of the same
 * name (or alias) in `next`, anywhere in the type tree. Old readers need them.
 */
export function removedFieldsWithoutDefault(previous: avro.Type, next: avro.Type): string[] {
  const before = recordsOf(previous);
  const after = recordsOf(next);
  const problems: string[] = [];
  for (const [name, oldRecord] of before) {
    const newRecord = after.get(name) ?? [...after.values()].find((r) => (r.aliases ?? []).includes(name));
    if (!newRecord) continue; // the record itself is gone; the resolver reports what matters about that
    for (const field of oldRecord.fields) {
      if (field.defaultValue() !== undefined) continue;
      const kept = newRecord.fields.some(
        (f) => f.name === field.name || (f.aliases ?? []).includes(field.name),
      );
      if (!kept)
        problems.push(
          `${name}.${field.name} was removed but has no default (consumers on the old schema need it)`,
        );
    }
  }
  return problems;
}

/** Every reason `next` may not replace `previous` under the team rule; empty when it may. */
export function evolutionProblems(previous: avro.Type, next: avro.Type): string[] {
  const backward = backwardProblem(next, previous);
  return [
    ...(backward ? [`not BACKWARD compatible: ${backward}`] : []),
    ...removedFieldsWithoutDefault(previous, next),
  ];
}

interface RecordLike {
  name?: string;
  aliases?: string[];
  fields: { name: string; aliases?: string[]; type: avro.Type; defaultValue(): unknown }[];
}

/** Every record type reachable from `root`, by full name. */
function recordsOf(root: avro.Type): Map<string, RecordLike> {
  const found = new Map<string, RecordLike>();
  const visit = (type: avro.Type): void => {
    const t = type as avro.Type & {
      fields?: RecordLike['fields'];
      types?: avro.Type[];
      itemsType?: avro.Type;
      valuesType?: avro.Type;
      underlyingType?: avro.Type;
    };
    if (t.typeName === 'record' || t.typeName === 'error') {
      if (found.has(t.name!)) return;
      found.set(t.name!, t as unknown as RecordLike);
      for (const field of t.fields ?? []) visit(field.type);
    } else if (t.types) {
      for (const branch of t.types) visit(branch);
    } else if (t.itemsType) {
      visit(t.itemsType);
    } else if (t.valuesType) {
      visit(t.valuesType);
    } else if (t.underlyingType) {
      visit(t.underlyingType);
    }
  };
  visit(root);
  return found;
}
