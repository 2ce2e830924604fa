/**
 * Multi-row INSERT ... SELECT FROM unnest($1::type[], $2::type[], ...): one statement and one
 * parameter per column whatever the number of rows, so a batch of thousands of rows is one round
 * trip with a fixed statement text (and plan).
 */
export interface TableSpec<R> {
  table: string;
  /** Column name (a key of the row) and its Postgres type. */
  columns: readonly (readonly [keyof R & string, string])[];
  /** Everything after the SELECT: ON CONFLICT ..., RETURNING ... */
  tail: string;
}

export interface Statement {
  text: string;
  values: unknown[];
}

export function unnestInsert<R>(spec: TableSpec<R>, rows: readonly R[]): Statement {
  const names = spec.columns.map(([c]) => c).join(', ');
  const arrays = spec.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const values = spec.columns.map(([column]) => rows.map((r) => r[column]));
  return {
    text: `INSERT INTO ${spec.table} AS t (${names}) SELECT * FROM unnest(${arrays}) ${spec.tail}`,
    values,
  };
}

/**
 * The same insert with the rows as one JSON array parameter (`json_to_recordset`). Serialising
 * rows with JSON.stringify is several times cheaper in Node than pg's escaping of one array
 * literal per column, and Postgres parses the JSON about as fast; see docs/BENCHMARKS.md. jsonb
 * columns travel as JSON strings and are cast back.
 */
export function jsonRecordsetInsert<R>(spec: TableSpec<R>, rows: readonly R[]): Statement {
  const names = spec.columns.map(([c]) => c).join(', ');
  const defs = spec.columns.map(([c, type]) => `${c} ${type === 'jsonb' ? 'text' : type}`).join(', ');
  const select = spec.columns.map(([c, type]) => (type === 'jsonb' ? `x.${c}::jsonb` : `x.${c}`)).join(', ');
  return {
    text: `INSERT INTO ${spec.table} AS t (${names}) SELECT ${select} FROM json_to_recordset($1::json) AS x(${defs}) ${spec.tail}`,
    values: [JSON.stringify(rows)],
  };
}

/** How a batch's rows reach Postgres: COPY to staging + merge (staged-insert.ts), JSON recordset, UNNEST arrays. */
export type InsertMethod = 'copy' | 'unnest' | 'json';
