import type avro from 'avsc';

/** Whether a value holds a negative `*_minor` number somewhere (input-bounds.ts's rule). */
export type MoneyCheck = (value: object) => boolean;

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/**
 * The money rule compiled from an Avro schema: a check that reads only the fields that are money
 * (`*_minor`) or can contain money, by name, for values decoded with that schema. The generic walk
 * (`fallback`) lists every object's keys (an array per object: the largest per-record cost of
 * ingest's own code in a profile); this reads a handful of properties. Deriving it from the schema
 * keeps a money field added later covered, like the walk. Where the schema cannot say which fields
 * a value has (maps, whose keys are data, and unions of several complex branches) the check hands
 * that part to the walk, so the answer is always the walk's. undefined: the type holds no money.
 */
export function moneyCheckOf(type: avro.Type, fallback: MoneyCheck): MoneyCheck | undefined {
  return compile(type, fallback, new Set());
}

function compile(type: avro.Type, fallback: MoneyCheck, open: Set<avro.Type>): MoneyCheck | undefined {
  const t = type as unknown as {
    typeName: string;
    fields?: { name: string; type: avro.Type }[];
    itemsType?: avro.Type;
    types?: avro.Type[];
    underlyingType?: avro.Type;
  };
  if (t.underlyingType) return compile(t.underlyingType, fallback, open);
  if (open.has(type)) return fallback; // a recursive schema: the walk handles its depth
  switch (t.typeName) {
    case 'record':
    case 'error': {
      open.add(type);
      const money: string[] = [];
      const nested: { name: string; check: MoneyCheck }[] = [];
      for (const f of t.fields ?? []) {
        if (f.name.endsWith('_minor')) money.push(f.name);
        const check = compile(f.type, fallback, open);
        if (check) nested.push({ name: f.name, check });
      }
      open.delete(type);
      if (money.length === 0 && nested.length === 0) return undefined;
      return (value) => {
        const r = value as Record<string, unknown>;
        for (let i = 0; i < money.length; i++) {
          const v = r[money[i]!];
          if (typeof v === 'number' && v < 0) return true;
        }
        for (let i = 0; i < nested.length; i++) {
          const v = r[nested[i]!.name];
          if (isObject(v) && nested[i]!.check(v)) return true;
        }
        return false;
      };
    }
    case 'array': {
      const item = compile(t.itemsType!, fallback, open);
      if (!item) return undefined;
      return (value) => {
        if (!Array.isArray(value)) return fallback(value);
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i];
          if (isObject(v) && item(v)) return true;
        }
        return false;
      };
    }
    case 'map':
    case 'union:wrapped':
      return fallback;
    case 'union:unwrapped': {
      const complex = (t.types ?? []).filter((b) => isComplex(b));
      if (complex.length === 0) return undefined;
      if (complex.length > 1) return fallback;
      return compile(complex[0]!, fallback, open);
    }
    default:
      // Primitives, enums and fixed hold no keys; a money primitive is judged by its field's name.
      return undefined;
  }
}

function isComplex(type: avro.Type): boolean {
  const t = type as unknown as { typeName: string; underlyingType?: avro.Type };
  if (t.underlyingType) return isComplex(t.underlyingType);
  return ['record', 'error', 'array', 'map', 'union:wrapped', 'union:unwrapped'].includes(t.typeName);
}
