import { ValidationError } from '@retail-stream/runtime';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { appendEncoded, countEncoded, encodeRows, insertBodies, type EncodedRows } from './encoded-rows.ts';
import { ByteWriter, rowEncoder } from './row-binary.ts';
import { countRows, storeEventRows } from './rows.ts';
import { CH_TABLES } from './tables/all-tables.ts';

const part = (rows: number, ...bytes: number[]) => ({ rows, bytes: Buffer.from(bytes) });

describe('encodeRows', () => {
  const sale = new StoreEventFactory('s1').sale(4);
  const rows = storeEventRows(sale);

  it('one part per table the record has rows in, with its row count and the table encoder’s bytes', () => {
    const enc = encodeRows(rows);
    expect([...enc.keys()].sort()).toEqual(['inventory_movements', 'sale_lines', 'sales']);
    expect(countEncoded(enc)).toBe(countRows(rows));
    const lines = CH_TABLES.find((t) => t.table === 'sale_lines')!;
    const w = new ByteWriter();
    for (const r of rows.get('sale_lines')!) rowEncoder(lines)(r, w);
    expect(enc.get('sale_lines')).toEqual([{ rows: 4, bytes: w.buf.subarray(0, w.pos) }]);
  });

  it('parts are copies: encoding the next record does not change them', () => {
    const first = encodeRows(rows).get('sales')![0]!.bytes;
    const copy = Buffer.from(first);
    encodeRows(storeEventRows(new StoreEventFactory('other-store').sale(9)));
    expect(first.equals(copy)).toBe(true);
  });

  it('a value a column cannot hold fails the whole record as ROW_INVALID', () => {
    const bad = storeEventRows(sale);
    bad.get('sale_lines')![2]!.quantity = 2 ** 40; // Int32
    expect(() => encodeRows(bad)).toThrow(ValidationError);
    expect(() => encodeRows(bad)).toThrow(/^sale_lines\.quantity: 1099511627776 does not fit Int32/);
  });
});

describe('appendEncoded and insertBodies', () => {
  it('appending shares the parts, in arrival order per table', () => {
    const into: EncodedRows = new Map([['sales', [part(1, 1)]]]);
    appendEncoded(
      into,
      new Map([
        ['sales', [part(2, 2)]],
        ['payments', [part(1, 3)]],
      ]),
    );
    expect(into.get('sales')!.map((p) => [...p.bytes])).toEqual([[1], [2]]);
    expect(countEncoded(into)).toBe(4);
  });

  it('bodies hold at most maxRows rows, never split a part, and keep the order', () => {
    const parts = [part(2, 1, 1), part(3, 2, 2, 2), part(1, 3), part(7, 4), part(1, 5)];
    const bodies = insertBodies(parts, 5);
    expect(bodies.map((b) => b.rows)).toEqual([5, 1, 7, 1]);
    expect(bodies.map((b) => [...b.bytes])).toEqual([[1, 1, 2, 2, 2], [3], [4], [5]]);
    expect(insertBodies([], 5)).toEqual([]);
    expect(() => insertBodies(parts, 0)).toThrow(RangeError);
  });
});
