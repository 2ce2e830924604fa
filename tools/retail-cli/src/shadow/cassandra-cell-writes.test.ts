import { describe, expect, it } from 'vitest';
import { cellWrites, rowDelete, type CellRow } from './cassandra-cell-writes.ts';
import { canonical, type CqlTable } from './cassandra-tables.ts';

const table: CqlTable = {
  table: 'transaction_by_id',
  partitionKey: ['transaction_id'],
  clustering: [],
  regular: [
    { name: 'refunds', map: true },
    { name: 'status', map: false },
    { name: 'total_minor', map: false },
  ],
};

const row = (cells: Record<string, unknown>): CellRow => ({ get: (n) => cells[n] ?? null });

const shadow = row({
  transaction_id: 't1',
  status: 'VOIDED',
  wt_status: 9n,
  total_minor: 100n,
  wt_total_minor: 5n,
  refunds: { r1: 10n, r2: 20n },
  wt_refunds: [6n, 7n],
});

describe('Cassandra promote: cell writes with write timestamps', () => {
  it('a missing row is copied cell by cell at the shadow’s own timestamps', () => {
    const w = cellWrites(table, 'live', shadow, undefined).writes;
    expect(w.map((x) => [x.cql, x.params])).toEqual([
      [
        'UPDATE live.transaction_by_id USING TIMESTAMP ? SET refunds[?] = ? WHERE transaction_id = ?',
        [6n, 'r1', 10n, 't1'],
      ],
      [
        'UPDATE live.transaction_by_id USING TIMESTAMP ? SET refunds[?] = ? WHERE transaction_id = ?',
        [7n, 'r2', 20n, 't1'],
      ],
      [
        'UPDATE live.transaction_by_id USING TIMESTAMP ? SET status = ? WHERE transaction_id = ?',
        [9n, 'VOIDED', 't1'],
      ],
      [
        'UPDATE live.transaction_by_id USING TIMESTAMP ? SET total_minor = ? WHERE transaction_id = ?',
        [5n, 100n, 't1'],
      ],
    ]);
  });

  it('only differing cells are written; a newer live cell is beaten by one microsecond, a lone live cell deleted at its own', () => {
    const live = row({
      transaction_id: 't1',
      status: 'VOIDED',
      wt_status: 9n,
      total_minor: 103n,
      wt_total_minor: 1_765_000_000_000_000n, // a cqlsh UPDATE: wall-clock microseconds
      refunds: { r1: 10n, r9: 1n },
      wt_refunds: [6n, 8n],
    });
    const w = cellWrites(table, 'live', shadow, live).writes;
    expect(w.map((x) => x.params)).toEqual([
      [7n, 'r2', 20n, 't1'],
      ['r9', 8n, 't1'],
      [1_765_000_000_000_001n, 100n, 't1'],
    ]);
    expect(w[1]!.cql).toBe(
      'DELETE refunds[?] FROM live.transaction_by_id USING TIMESTAMP ? WHERE transaction_id = ?',
    );
  });

  it('force raises every timestamp (what a hand-made tombstone still hides)', () => {
    const w = cellWrites(table, 'live', shadow, undefined, 1_000_000n).writes;
    expect(w.map((x) => x.params[0])).toEqual([1_000_000n, 1_000_000n, 1_000_000n, 1_000_000n]);
  });

  it('live cells the sink wrote after the shadow (a replay that ended earlier) are kept, not overwritten', () => {
    const live = row({
      transaction_id: 't1',
      status: 'REFUNDED',
      wt_status: 12n, // a later event of the store
      total_minor: 100n,
      wt_total_minor: 5n,
      refunds: { r1: 10n, r2: 20n, r3: 30n },
      wt_refunds: [6n, 7n, 11n], // r3: an event after the shadow's newest (9)
    });
    const planned = cellWrites(table, 'live', shadow, live);
    expect(planned).toEqual({ writes: [], kept: 2 });
    // Forcing ignores that (used only for what a hand-made tombstone hides).
    expect(cellWrites(table, 'live', shadow, live, 10n ** 15n).writes).toHaveLength(2);
  });

  it('an extra row is deleted at its newest cell’s timestamp (a tombstone wins the tie)', () => {
    const live = row({ transaction_id: 't2', wt_status: 4n, wt_total_minor: 12n, wt_refunds: [3n, 30n] });
    expect(rowDelete(table, 'live', live)).toEqual({
      cql: 'DELETE FROM live.transaction_by_id USING TIMESTAMP ? WHERE transaction_id = ?',
      params: [30n, 't2'],
    });
  });

  it('values compare by content: bigint, dates, key order of maps and UDTs', () => {
    expect(canonical({ b: 1n, a: new Date(0) })).toBe(canonical({ a: new Date(0), b: 1n }));
    expect(canonical([{ x: 1 }])).not.toBe(canonical([{ x: 2 }]));
    expect(canonical(null)).toBe(canonical(undefined));
  });
});
