import { describe, expect, it } from 'vitest';
import { freshness, quietStores } from './freshness.ts';

const NOW = Date.parse('2026-11-22T06:00:00Z');
const status = (over: object = {}) => ({
  as_of: '2026-11-22T06:00:00Z',
  last_event_received_at: '2026-11-22T05:59:50Z',
  last_kpi_updated_at: '2026-11-22T05:59:55Z',
  stores_total: 3,
  events_total: 10,
  ...over,
});

describe('freshness', () => {
  it('is live when the newest of event and KPI time is recent', () => {
    expect(freshness(status(), NOW)).toEqual({
      dataAsOf: '2026-11-22T05:59:55Z',
      ageSeconds: 5,
      stale: false,
      message: 'live',
    });
  });

  it('warns when nothing arrived for longer than the threshold', () => {
    const f = freshness(
      status({ last_event_received_at: '2026-11-22T05:50:00Z', last_kpi_updated_at: null }),
      NOW,
    );
    expect(f.stale).toBe(true);
    expect(f.message).toBe('no new data for 600 s');
  });

  it('says "no data yet" on an empty system and waits before the first answer', () => {
    expect(freshness(status({ last_event_received_at: null, last_kpi_updated_at: null }), NOW)).toMatchObject(
      { dataAsOf: null, stale: false, message: 'no data yet' },
    );
    expect(freshness(undefined, NOW).message).toBe('waiting for the reports API');
  });
});

describe('quiet stores', () => {
  it('lists stores silent for longer than the threshold or never heard from', () => {
    const stores = [
      { store_id: 'a', last_event_at: '2026-11-22T05:59:00Z' },
      { store_id: 'b', last_event_at: '2026-11-22T05:40:00Z' },
      { store_id: 'c', last_event_at: null },
    ];
    expect(quietStores(stores, NOW).map((s) => [s.store_id, s.quietSeconds])).toEqual([
      ['b', 1200],
      ['c', null],
    ]);
  });
});
