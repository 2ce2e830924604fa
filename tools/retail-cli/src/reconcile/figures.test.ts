import { describe, expect, it } from 'vitest';
import { localDateString } from '@retail-stream/runtime';
import { storeDay } from './day-bounds.ts';
import { compareFigures } from './figures.ts';

describe('compareFigures', () => {
  const store = {
    events: 10,
    last_seq: 10,
    sales: 4,
    sales_minor: 1000,
    voids: 1,
    voids_minor: 200,
    paid_voids_minor: 200,
    refunds: 1,
    refunds_minor: 50,
  };

  it('nothing when every sink agrees (KPI: net GMV, paid voids)', () => {
    expect(
      compareFigures('s1', store, {
        postgres: { ...store },
        clickhouse: {
          events: 10,
          last_seq: 10,
          sales: 4,
          sales_minor: 1000,
          voids: 1,
          voids_minor: 200,
          refunds: 1,
          refunds_minor: 50,
        },
        cassandra: { sales: 4, sales_minor: 1000 },
        kpi: { sales: 4, voids: 1, voids_minor: 200, refunds: 1, refunds_minor: 50, gmv_minor: 750 },
      }),
    ).toEqual([]);
  });

  it('names each differing measure, and a missing KPI window as none', () => {
    const d = compareFigures('s1', store, { postgres: { ...store, sales: 3, sales_minor: 800 }, kpi: null });
    expect(d.filter((x) => x.source === 'postgres')).toEqual([
      { store_id: 's1', source: 'postgres', measure: 'sales', store: 4, sink: 3, diff: -1 },
      { store_id: 's1', source: 'postgres', measure: 'sales_minor', store: 1000, sink: 800, diff: -200 },
    ]);
    expect(d.filter((x) => x.source === 'kpi').every((x) => x.sink === null)).toBe(true);
  });

  it('HQ Postgres holds only voids of paid sales; ClickHouse every void', () => {
    const withUnpaid = { ...store, voids: 3, voids_minor: 900, paid_voids: 1, paid_voids_minor: 200 };
    const d = compareFigures('s1', withUnpaid, {
      postgres: { ...store },
      clickhouse: { ...store, voids: 3, voids_minor: 900 },
    });
    expect(d).toEqual([]);
    expect(compareFigures('s1', withUnpaid, { postgres: { ...store, voids: 3, voids_minor: 900 } })).toEqual([
      { store_id: 's1', source: 'postgres', measure: 'voids', store: 1, sink: 3, diff: 2 },
      { store_id: 's1', source: 'postgres', measure: 'voids_minor', store: 200, sink: 900, diff: 700 },
    ]);
  });
});

describe('storeDay', () => {
  it('is the local day in the store zone', () => {
    const d = storeDay('2026-12-05', 'Asia/Ho_Chi_Minh');
    expect(d.start.toISOString()).toBe('2026-12-04T17:00:00.000Z');
    expect(d.end.toISOString()).toBe('2026-12-05T17:00:00.000Z');
    expect(storeDay('2026-12-05', 'Pacific/Kiritimati').start.toISOString()).toBe('2026-12-04T10:00:00.000Z');
    expect(localDateString(d.start.getTime(), 'Asia/Ho_Chi_Minh')).toBe('2026-12-05');
    expect(() => storeDay('5/12/2026', 'UTC')).toThrow(/YYYY-MM-DD/);
  });
});
