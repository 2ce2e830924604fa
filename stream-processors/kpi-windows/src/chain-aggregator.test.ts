import type { KpiWindowUpdated } from '@retail-stream/schemas';
import { describe, expect, it } from 'vitest';
import { ChainAggregator } from './chain-aggregator.ts';
import { kpiRecord } from './kpi-record.ts';
import { emptyMeasures } from './measures.ts';
import { fixedWindow } from './window-assignment.ts';

const T0 = Date.parse('2026-03-10T12:00:00Z');
const policy = {
  chainTimeZone: 'Asia/Ho_Chi_Minh',
  chainCurrency: 'VND',
  emitIntervalMs: 0,
  minuteRetentionMs: 2 * 3_600_000,
  retentionMs: 26 * 3_600_000,
};

function rec(
  store: string,
  size: 'M1' | 'M15',
  start: number,
  gmv: number,
  revision: number,
  isFinal = false,
): KpiWindowUpdated {
  return kpiRecord({
    storeId: store,
    w: fixedWindow(size, start),
    m: { ...emptyMeasures(), gmv_minor: gmv, orders: 1 },
    currency: 'VND',
    revision,
    isFinal,
    now: 0,
  });
}

describe('chain aggregator', () => {
  it('sums the latest revision of each store window; older revisions and replays change nothing', () => {
    const c = new ChainAggregator(policy);
    c.apply(rec('a', 'M1', T0, 100, 1));
    c.apply(rec('b', 'M1', T0, 50, 1));
    c.apply(rec('a', 'M1', T0, 120, 2));
    c.apply(rec('a', 'M1', T0, 100, 1)); // redelivered old revision
    const [w] = c.due(1);
    expect(w!.m.gmv_minor).toBe(170);
    expect(w!.m.orders).toBe(2);
    expect(w!.revision).toBe(3);
    expect(c.isFinal(w!)).toBe(false);
    c.apply(rec('a', 'M1', T0, 120, 2)); // replay: nothing new to emit
    expect(c.due(2)).toEqual([]);
  });

  it('is final when every contributing store window is final; a later store is a correction', () => {
    const c = new ChainAggregator(policy);
    c.apply(rec('a', 'M1', T0, 100, 1, true));
    let [w] = c.due(1);
    expect(c.isFinal(w!)).toBe(true);
    c.apply(rec('b', 'M1', T0, 10, 1, false));
    [w] = c.due(2);
    expect(c.isFinal(w!)).toBe(false);
    c.apply(rec('b', 'M1', T0, 10, 2, true));
    [w] = c.due(3);
    expect(c.isFinal(w!)).toBe(true);
    expect(w!.revision).toBe(3);
  });

  it('builds the chain local day from store M15 windows; store D1_LOCAL windows are ignored', () => {
    const c = new ChainAggregator(policy);
    // Chain day (UTC+7) of 2026-03-10 local: [09T17:00Z, 10T17:00Z).
    c.apply(rec('a', 'M15', Date.parse('2026-03-09T17:00:00Z'), 10, 1));
    c.apply(rec('a', 'M15', Date.parse('2026-03-10T16:45:00Z'), 20, 1));
    c.apply(rec('b', 'M15', Date.parse('2026-03-10T17:00:00Z'), 40, 1)); // next day
    c.apply({ ...rec('a', 'M15', T0, 999, 1), window_size: 'D1_LOCAL' });
    const days = c.due(1).filter((w) => w.size === 'D1_LOCAL');
    expect(days.map((d) => [d.start, d.m.gmv_minor])).toEqual([
      [Date.parse('2026-03-09T17:00:00Z'), 30],
      [Date.parse('2026-03-10T17:00:00Z'), 40],
    ]);
  });

  it('skips other currencies (counted)', () => {
    const c = new ChainAggregator(policy);
    c.apply({ ...rec('a', 'M1', T0, 100, 1), currency: 'USD' });
    expect(c.due(1)).toEqual([]);
    expect(c.skippedCurrency).toBe(1);
  });
});
