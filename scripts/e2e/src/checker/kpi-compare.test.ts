import { describe, expect, it } from 'vitest';
import { compareDailyKpis, expectedDailyKpis, kpiKey } from './kpi-compare.ts';

const day = 86_400_000;
const w = (scope: string, size: string, start: number, gmv: number, orders: number) => ({
  scope,
  size,
  start,
  end: start + day,
  m: { gmv_minor: gmv, orders },
});

describe('daily KPI comparison', () => {
  const exact = [
    w('store:s1', 'D1_LOCAL', 10 * day, 500, 3),
    w('store:s1', 'H1', 10 * day, 500, 3),
    w('store:s2', 'D1_LOCAL', 10 * day, 100, 1),
    w('store:other', 'D1_LOCAL', 10 * day, 1, 1),
    w('chain', 'D1_LOCAL', 10 * day, 600, 4),
    w('store:s1', 'D1_LOCAL', 5 * day, 9, 9),
  ];
  const scopes = new Set(['store:s1', 'store:s2', 'chain']);

  it('expects D1_LOCAL windows of the run scopes that end after the run started', () => {
    const want = expectedDailyKpis(exact, scopes, 10 * day);
    expect([...want.keys()].sort()).toEqual(
      [kpiKey('chain', 10 * day), kpiKey('store:s1', 10 * day), kpiKey('store:s2', 10 * day)].sort(),
    );
  });

  it('finds a window whose latest revision differs from the recomputation', () => {
    const want = expectedDailyKpis(exact, scopes, 10 * day);
    const found = [
      { scope: 'store:s1', window_start_ms: 10 * day, window_end_ms: 11 * day, gmv_minor: 500, orders: 3 },
      { scope: 'store:s2', window_start_ms: 10 * day, window_end_ms: 11 * day, gmv_minor: 90, orders: 1 },
      { scope: 'store:other', window_start_ms: 10 * day, window_end_ms: 11 * day, gmv_minor: 0, orders: 0 },
      { scope: 'store:s1', window_start_ms: 5 * day, window_end_ms: 6 * day, gmv_minor: 0, orders: 0 },
    ];
    const row = compareDailyKpis('kpi', want, found, scopes, 10 * day);
    expect(row).toMatchObject({ expected: 3, found: 2, missing: 1, duplicated: 0, wrong: 1 });
  });
});
