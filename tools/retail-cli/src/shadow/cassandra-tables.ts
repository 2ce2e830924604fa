import type cassandra from 'cassandra-driver';

/** A projection table as the live keyspace's schema (the sink's migration) declares it. */
export interface CqlTable {
  table: string;
  partitionKey: string[];
  clustering: string[];
  /** Regular columns; `map` marks a non-frozen map (one cell, and one write time, per entry). */
  regular: { name: string; map: boolean }[];
}

/** The sink's own ledger, not a projection. */
const NOT_DATA = new Set(['schema_migrations']);

/** Reads the tables from system_schema (the sink declares them only in its .cql migration). */
export async function cqlTables(client: cassandra.Client, keyspace: string): Promise<CqlTable[]> {
  const r = await client.execute(
    'SELECT table_name, column_name, kind, position, type FROM system_schema.columns WHERE keyspace_name = ?',
    [keyspace],
    { prepare: true },
  );
  const byTable = new Map<string, { name: string; kind: string; position: number; type: string }[]>();
  for (const row of r.rows) {
    const t = row.get('table_name') as string;
    if (NOT_DATA.has(t)) continue;
    const list = byTable.get(t) ?? [];
    list.push({
      name: row.get('column_name') as string,
      kind: row.get('kind') as string,
      position: row.get('position') as number,
      type: row.get('type') as string,
    });
    byTable.set(t, list);
  }
  return [...byTable.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([table, cols]) => {
      const of = (kind: string) =>
        cols
          .filter((c) => c.kind === kind)
          .sort((a, b) => a.position - b.position)
          .map((c) => c.name);
      return {
        table,
        partitionKey: of('partition_key'),
        clustering: of('clustering'),
        regular: cols
          .filter((c) => c.kind === 'regular')
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((c) => ({ name: c.name, map: c.type.startsWith('map<') })),
      };
    });
}

/**
 * A value in one comparable text: bigint as digits, dates and driver types (LocalDate, Uuid) as
 * their strings, object keys sorted (maps and UDTs).
 */
export function canonical(v: unknown): string {
  return JSON.stringify(normalise(v));
}

function normalise(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(normalise);
  if (typeof v === 'object') {
    if (v.constructor !== Object && typeof (v as { toString?: unknown }).toString === 'function') {
      const s = String(v);
      if (s !== '[object Object]') return s;
    }
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, normalise(x)]),
    );
  }
  return v;
}
