import { ValidationError } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { ByteWriter, columnWriter, rowBinaryInsert, rowEncoder } from './row-binary.ts';
import { CH_TABLES } from './tables/all-tables.ts';

/** The bytes one column writer produces for `v`. */
function bytes(type: string, v: unknown): number[] {
  const w = new ByteWriter(4); // tiny, so the tests also grow it
  columnWriter(type)(w, v, () => 'test.col');
  return [...w.buf.subarray(0, w.pos)];
}

const le64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(n);
  return [...b];
};

describe('RowBinary column writers: the bytes ClickHouse reads', () => {
  it('integers are little-endian at their width', () => {
    expect(bytes('UInt8', 255)).toEqual([255]);
    expect(bytes('Int8', -2)).toEqual([0xfe]);
    expect(bytes('UInt16', 513)).toEqual([1, 2]);
    expect(bytes('Int16', -2)).toEqual([0xfe, 0xff]);
    expect(bytes('UInt32', 0xfffe_fdfc)).toEqual([0xfc, 0xfd, 0xfe, 0xff]);
    expect(bytes('Int32', -0x8000_0000)).toEqual([0, 0, 0, 0x80]);
  });

  it('Int64 and UInt64 are two’s complement over 8 bytes, across the whole safe range', () => {
    for (const n of [0, 1, -1, 255, -256, 2 ** 32, -(2 ** 32) - 1, 1_796_636_186_988, -1_796_636_186_988]) {
      expect(bytes('Int64', n), String(n)).toEqual(le64(BigInt(n)));
    }
    expect(bytes('Int64', Number.MAX_SAFE_INTEGER)).toEqual(le64(BigInt(Number.MAX_SAFE_INTEGER)));
    expect(bytes('Int64', Number.MIN_SAFE_INTEGER)).toEqual(le64(BigInt(Number.MIN_SAFE_INTEGER)));
    expect(bytes('UInt64', Number.MAX_SAFE_INTEGER)).toEqual(le64(BigInt(Number.MAX_SAFE_INTEGER)));
  });

  it('String is a LEB128 byte length, then UTF-8', () => {
    expect(bytes('String', '')).toEqual([0]);
    expect(bytes('String', 'ab')).toEqual([2, 0x61, 0x62]);
    // Non-ASCII after ASCII: the short-string path hands the rest to Buffer.write.
    expect(bytes('String', 'aé€')).toEqual([6, 0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac]);
    for (const s of [
      'x'.repeat(42),
      'ệ'.repeat(42),
      'x'.repeat(43),
      'ệ'.repeat(43),
      'a'.repeat(127),
      'Đ'.repeat(300),
    ]) {
      const utf8 = [...Buffer.from(s, 'utf8')];
      const n = utf8.length;
      const prefix = n < 128 ? [n] : [(n & 0x7f) | 0x80, n >> 7];
      expect(bytes('String', s), `${s.length} × ${s[0]}`).toEqual([...prefix, ...utf8]);
    }
  });

  it('Nullable is a NULL flag byte before the value; Array is a count before its elements', () => {
    expect(bytes('Nullable(String)', null)).toEqual([1]);
    expect(bytes('Nullable(String)', 'a')).toEqual([0, 1, 0x61]);
    expect(bytes('Nullable(String)', '')).toEqual([0, 0]);
    expect(bytes('Array(Int64)', [])).toEqual([0]);
    expect(bytes('Array(Int64)', [1, -1])).toEqual([2, ...le64(1n), ...le64(-1n)]);
    expect(bytes('Array(String)', ['a', 'bc'])).toEqual([2, 1, 0x61, 2, 0x62, 0x63]);
  });

  it('a value its column cannot hold is ROW_INVALID, naming the column and the value', () => {
    const cases: [string, unknown][] = [
      ['UInt8', 256],
      ['UInt8', -1],
      ['UInt16', 65_536],
      ['Int32', 2 ** 31],
      ['UInt32', -1],
      ['Int64', 1.5],
      ['Int64', Number.MAX_SAFE_INTEGER + 1],
      ['UInt64', -1],
      ['Int64', '12'],
      ['String', 12],
      ['String', null],
      ['String', undefined],
      ['Nullable(String)', 3],
      ['Array(Int64)', [1, 'x']],
      ['Array(String)', 'ab'],
    ];
    for (const [type, v] of cases) {
      let err: unknown;
      try {
        bytes(type, v);
      } catch (e) {
        err = e;
      }
      expect(err, `${type} ← ${String(v)}`).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({
        code: 'ROW_INVALID',
        message: expect.stringMatching(/^test\.col: .* does not fit /),
      });
    }
  });

  it('a type the sink does not send is a programming error at compile time', () => {
    expect(() => columnWriter('Decimal(18, 2)')).toThrow(/no writer for ClickHouse type Decimal/);
  });
});

describe('table encoders', () => {
  it('every table file compiles, and its INSERT names the columns in encoding order', () => {
    for (const t of CH_TABLES) {
      expect(() => rowEncoder(t)).not.toThrow();
      expect(rowBinaryInsert(t)).toBe(
        `INSERT INTO ${t.table} (${t.columns.map(([c]) => c).join(', ')}) FORMAT RowBinary`,
      );
    }
  });

  it('a row is its columns in table order; a missing field is ROW_INVALID naming table and column', () => {
    const table = {
      table: 't',
      columns: [
        ['b', 'UInt8'],
        ['a', 'String'],
      ] as const,
    };
    const w = new ByteWriter();
    rowEncoder(table)({ a: 'x', b: 7 }, w);
    expect([...w.buf.subarray(0, w.pos)]).toEqual([7, 1, 0x78]);
    expect(() => rowEncoder(table)({ b: 7 }, new ByteWriter())).toThrow(
      /^t\.a: undefined does not fit String/,
    );
  });
});
