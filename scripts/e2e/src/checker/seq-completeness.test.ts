import { describe, expect, it } from 'vitest';
import { isClean } from '../reconcile.ts';
import { seqCompleteness } from './seq-completeness.ts';

const stats = (store_id: string, rows: number, distinct_seqs: number, min_seq: number, max_seq: number) => ({
  store_id,
  rows,
  distinct_seqs,
  min_seq,
  max_seq,
});

describe('seqCompleteness', () => {
  it('is clean when every store holds 1..last once', () => {
    const row = seqCompleteness(
      'seq',
      new Map([
        ['s1', 5],
        ['s2', 3],
      ]),
      [stats('s1', 5, 5, 1, 5), stats('s2', 3, 3, 1, 3)],
    );
    expect(isClean(row)).toBe(true);
    expect(row).toMatchObject({ expected: 8, found: 8 });
  });

  it('counts gaps as missing and a store without events as all missing', () => {
    const row = seqCompleteness(
      'seq',
      new Map([
        ['s1', 10],
        ['s2', 4],
      ]),
      [stats('s1', 8, 8, 1, 10)],
    );
    expect(row.missing).toBe(2 + 4);
    expect(row.examples.join('\n')).toContain('s2: no events');
  });

  it('counts one store_seq held by two events as duplicated', () => {
    const row = seqCompleteness('seq', new Map([['s1', 3]]), [stats('s1', 4, 3, 1, 3)]);
    expect(row).toMatchObject({ missing: 0, duplicated: 1, wrong: 0 });
  });

  it('flags seqs beyond the outbox and stores nobody expected', () => {
    const row = seqCompleteness('seq', new Map([['s1', 3]]), [
      stats('s1', 4, 4, 1, 4),
      stats('s9', 1, 1, 1, 1),
    ]);
    expect(row.wrong).toBe(2);
  });
});
