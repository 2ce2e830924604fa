import { ValidationError } from '@retail-stream/runtime';
import type { Row } from './tables/define-table.ts';

/**
 * ClickHouse's RowBinary input format, written straight from the sink's rows. The server parses it
 * with no text scanning (JSONEachRow costs it a JSON parse and a key lookup per field), and building
 * it here skips JSON.stringify of every row: together the largest costs of an insert on this box.
 *
 * Layout (the same in 18.16 and current servers): per row, each column in the table's column order;
 * integers little-endian at their width; String = LEB128 byte length + UTF-8 bytes; Nullable(T) = a
 * byte 1 for NULL, or 0 then T; Array(T) = LEB128 element count + the elements.
 *
 * RowBinary carries no names or types, so a wrong value would land as garbage instead of being
 * refused: every value is checked against its column type here, and a mismatch is a ValidationError
 * ROW_INVALID (the record is dead-lettered, never retried). Column types come from the table files,
 * which tables.test.ts checks against the migrations.
 */

/** A growable byte buffer the encoders append to. */
export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A copy of what was written since `from` (the writer's buffer is reused). */
  copyFrom(from: number): Buffer {
    return Buffer.from(this.buf.subarray(from, this.pos));
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Unsigned LEB128, the length prefix of strings and arrays. */
  varUInt(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  /** Little-endian, `bytes` of 1, 2 or 4; the value is already range-checked. */
  int(n: number, bytes: 1 | 2 | 4): void {
    this.ensure(bytes);
    const b = this.buf;
    let p = this.pos;
    b[p++] = n & 0xff;
    if (bytes > 1) b[p++] = (n >>> 8) & 0xff;
    if (bytes > 2) {
      b[p++] = (n >>> 16) & 0xff;
      b[p++] = (n >>> 24) & 0xff;
    }
    this.pos = p;
  }

  /** A safe integer as 8 bytes little-endian, two's complement. */
  int64(n: number): void {
    this.int(n >>> 0, 4); // ToUint32 is the low word for any safe integer, negative too
    this.int(Math.floor(n / 0x1_0000_0000) | 0, 4);
  }

  string(s: string): void {
    const len = s.length;
    // Short strings: at most 3 bytes per UTF-16 unit, so the length fits one LEB128 byte and the
    // bytes can be written behind it without measuring first. ASCII is copied by hand (cheaper
    // than a call into Buffer.write for the few bytes of an id); anything else goes through it.
    if (len * 3 < 0x80) {
      this.ensure(1 + len * 3);
      const b = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[start + i] = c;
      }
      const n = i === len ? len : i + b.write(s.slice(i), start + i, 'utf8');
      b[this.pos] = n;
      this.pos = start + n;
      return;
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varUInt(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }
}

type Write = (w: ByteWriter, v: unknown, where: () => string) => void;

const bad = (where: () => string, type: string, v: unknown): never => {
  throw new ValidationError(
    'ROW_INVALID',
    `${where()}: ${JSON.stringify(v) ?? String(v)} does not fit ${type}`,
  );
};

function integer(type: string, min: number, max: number, put: (w: ByteWriter, n: number) => void): Write {
  return (w, v, where) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(where, type, v);
    put(w, v as number);
  };
}

const INTEGERS: Record<string, Write> = {
  UInt8: integer('UInt8', 0, 0xff, (w, n) => w.int(n, 1)),
  Int8: integer('Int8', -0x80, 0x7f, (w, n) => w.int(n, 1)),
  UInt16: integer('UInt16', 0, 0xffff, (w, n) => w.int(n, 2)),
  Int16: integer('Int16', -0x8000, 0x7fff, (w, n) => w.int(n, 2)),
  UInt32: integer('UInt32', 0, 0xffff_ffff, (w, n) => w.int(n, 4)),
  Int32: integer('Int32', -0x8000_0000, 0x7fff_ffff, (w, n) => w.int(n, 4)),
  // JS numbers hold 64-bit integers exactly only up to 2^53; the mappings never produce more.
  UInt64: integer('UInt64', 0, Number.MAX_SAFE_INTEGER, (w, n) => w.int64(n)),
  Int64: integer('Int64', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, (w, n) => w.int64(n)),
};

/** The writer of one column type; throws (a programming error) for a type the sink does not send. */
export function columnWriter(type: string): Write {
  const inner = /^(Nullable|Array)\((.+)\)$/.exec(type);
  if (inner?.[1] === 'Nullable') {
    const value = columnWriter(inner[2]!);
    return (w, v, where) => {
      if (v === null) return w.byte(1);
      w.byte(0);
      value(w, v, where);
    };
  }
  if (inner?.[1] === 'Array') {
    const element = columnWriter(inner[2]!);
    return (w, v, where) => {
      if (!Array.isArray(v)) return bad(where, type, v);
      w.varUInt(v.length);
      for (const e of v) element(w, e, where);
    };
  }
  if (type === 'String') {
    return (w, v, where) => {
      if (typeof v !== 'string') bad(where, type, v);
      w.string(v as string);
    };
  }
  const int = INTEGERS[type];
  if (!int) throw new Error(`RowBinary: no writer for ClickHouse type ${type}`);
  return int;
}

/** What the encoder needs of a table file (tables/define-table.ts). */
interface Columns {
  table: string;
  columns: readonly (readonly [string, string])[];
}

/** Appends one row of `table` to a ByteWriter. */
export type RowEncoder = (row: Row, w: ByteWriter) => void;

/** The RowBinary encoder of a table: its columns in order, each checked against its type. */
export function rowEncoder(table: Columns): RowEncoder {
  const columns = table.columns.map(([name, type]) => ({
    name,
    write: columnWriter(type),
    where: () => `${table.table}.${name}`,
  }));
  return (row, w) => {
    for (const c of columns) c.write(w, row[c.name], c.where);
  };
}

/** `INSERT INTO <table> (<columns>) FORMAT RowBinary`: the columns in the encoder's order. */
export function rowBinaryInsert(table: Columns): string {
  return `INSERT INTO ${table.table} (${table.columns.map(([name]) => name).join(', ')}) FORMAT RowBinary`;
}
