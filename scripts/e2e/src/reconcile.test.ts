import { describe, expect, it } from 'vitest';
import { countCheck, isClean, reconcile, renderTable } from './reconcile.ts';

describe('reconcile', () => {
  const expected = new Map([
    ['t1', 100],
    ['t2', 200],
    ['t3', 300],
  ]);

  it('is clean when every key is found once with the expected value', () => {
    const row = reconcile(
      'pg',
      expected,
      [
        { key: 't1', value: 100 },
        { key: 't2', value: 200 },
        { key: 't3', value: 300 },
      ],
      (a, b) => a === b,
    );
    expect(row).toMatchObject({ expected: 3, found: 3, missing: 0, duplicated: 0, wrong: 0 });
    expect(isClean(row)).toBe(true);
  });

  it('counts missing, duplicated, wrong and unexpected keys', () => {
    const row = reconcile(
      'ch',
      expected,
      [
        { key: 't1', value: 100 },
        { key: 't1', value: 100 },
        { key: 't2', value: 999 },
        { key: 'tX', value: 1 },
      ],
      (a, b) => a === b,
    );
    expect(row).toMatchObject({ expected: 3, found: 4, missing: 1, duplicated: 1, wrong: 2 });
    expect(isClean(row)).toBe(false);
    expect(row.examples).toContain('missing t3');
    expect(row.examples).toContain('t1 found 2 times');
  });

  it('renders a table with a verdict per row', () => {
    const text = renderTable([countCheck('dlq records', 0, 0), countCheck('gaps', 0, 2, 's001 seq 5..6')]);
    expect(text).toMatch(/dlq records\s+0\s+0\s+0\s+0\s+0\s+ok/);
    expect(text).toMatch(/gaps .*FAIL/);
    expect(text).toContain('gaps: s001 seq 5..6');
  });
});
