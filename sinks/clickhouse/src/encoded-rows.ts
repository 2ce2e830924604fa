import { ByteWriter, rowEncoder } from './row-binary.ts';
import { appendRows, type TableRows } from './rows.ts';
import { CH_TABLES, type Table } from './tables/all-tables.ts';

/**
 * What the sink buffers between a record and its insert: each table's rows as RowBinary bytes.
 * Encoding each record as it is decoded makes a bad value that record's failure (it is
 * dead-lettered alone), and a filling flush holds bytes instead of row objects.
 */

/** Rows of one table from one record (or more), RowBinary-encoded. */
export interface EncodedPart {
  rows: number;
  bytes: Buffer;
}

/** Encoded parts per table, in arrival order. */
export type EncodedRows = Map<Table, EncodedPart[]>;

const ENCODERS = new Map(CH_TABLES.map((t) => [t.table as Table, rowEncoder(t)]));
// One scratch buffer for every encode: each part is copied out at its exact size.
const scratch = new ByteWriter();

/** Encodes one record's rows. Throws ValidationError ROW_INVALID for a value its column cannot hold. */
export function encodeRows(rows: TableRows): EncodedRows {
  const out: EncodedRows = new Map();
  for (const [table, list] of rows) {
    if (list.length === 0) continue;
    const encode = ENCODERS.get(table)!;
    scratch.pos = 0;
    for (const row of list) encode(row, scratch);
    out.set(table, [{ rows: list.length, bytes: scratch.copyFrom(0) }]);
  }
  return out;
}

export function countEncoded(rows: EncodedRows): number {
  let n = 0;
  for (const parts of rows.values()) for (const p of parts) n += p.rows;
  return n;
}

/** Appends `more` to `into` (the parts are shared, not copied). */
export const appendEncoded: (into: EncodedRows, more: EncodedRows) => void = appendRows;

/**
 * One table's parts as insert bodies of at most `maxRows` rows each, in order. A part is never
 * split (a record's rows stay in one insert), so a single part larger than `maxRows` goes alone.
 */
export function insertBodies(parts: readonly EncodedPart[], maxRows: number): EncodedPart[] {
  if (maxRows < 1) throw new RangeError('maxRows must be at least 1');
  const out: EncodedPart[] = [];
  let group: Buffer[] = [];
  let rows = 0;
  const close = () => {
    if (group.length > 0) out.push({ rows, bytes: group.length === 1 ? group[0]! : Buffer.concat(group) });
    group = [];
    rows = 0;
  };
  for (const p of parts) {
    if (rows > 0 && rows + p.rows > maxRows) close();
    group.push(p.bytes);
    rows += p.rows;
  }
  close();
  return out;
}
