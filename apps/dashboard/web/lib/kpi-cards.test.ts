import { describe, expect, it } from 'vitest';
import type { KpiWindow } from '../api-types.ts';
import { currentWindow, kpiCard, kpiRange, kpiSeries } from './kpi-cards.ts';

function win(start: string, over: Partial<KpiWindow> = {}): KpiWindow {
  return {
    scope: 'chain',
    store_id: null,
    window_size: 'M1',
    window_start: start,
    window_end: new Date(Date.parse(start) + 60_000).toISOString(),
    timezone: null,
    revision: 1,
    is_final: false,
    gmv_minor: 100_000,
    currency: 'VND',
    orders: 2,
    items: 5,
    avg_basket_minor: 50_000,
    order_rate_per_min: 2,
    payment_success_rate: 0.5,
    refunds_minor: 0,
    voids_minor: 0,
    refund_count: 0,
    void_count: 0,
    payments_attempted: 4,
    payments_captured: 2,
    payments_by_method: {},
    updated_at: start,
    ...over,
  };
}

const NOW = Date.parse('2026-11-22T06:10:30Z');

describe('KPI cards', () => {
  it('shows the newest window that has started, ignoring one from the future', () => {
    const items = [
      win('2026-11-22T06:09:00Z', { gmv_minor: 1 }),
      win('2026-11-22T06:10:00Z', { gmv_minor: 2 }),
      win('2026-11-22T06:11:00Z', { gmv_minor: 3 }),
    ];
    expect(currentWindow(items, NOW)?.gmv_minor).toBe(2);
  });

  it('takes every number from that window as the API gave it', () => {
    const card = kpiCard(
      '15m',
      [
        win('2026-11-22T06:00:00Z', {
          gmv_minor: 1_250_000,
          orders: 7,
          order_rate_per_min: 0.47,
          payment_success_rate: 0.875,
          avg_basket_minor: 178_571,
        }),
      ],
      NOW,
    );
    expect(card).toMatchObject({
      label: 'Last 15 min',
      gmvMinor: 1_250_000,
      currency: 'VND',
      orders: 7,
      orderRatePerMin: 0.47,
      paymentSuccessRate: 0.875,
      avgBasketMinor: 178_571,
    });
  });

  it('is empty (nulls, no window) when there is no data yet', () => {
    expect(kpiCard('1m', [], NOW)).toMatchObject({
      latest: undefined,
      gmvMinor: null,
      orders: null,
      paymentSuccessRate: null,
    });
  });

  it('keeps a null success rate (no attempts) and null basket (no orders) as null', () => {
    const card = kpiCard(
      '1m',
      [win('2026-11-22T06:10:00Z', { payment_success_rate: null, avg_basket_minor: null, orders: 0 })],
      NOW,
    );
    expect(card.paymentSuccessRate).toBeNull();
    expect(card.avgBasketMinor).toBeNull();
    expect(card.orders).toBe(0);
  });
});

describe('KPI series', () => {
  it('orders points by window start and keeps the highest revision of a window', () => {
    const series = kpiSeries(
      [
        win('2026-11-22T06:10:00Z', { revision: 1, gmv_minor: 10 }),
        win('2026-11-22T06:09:00Z', { gmv_minor: 5 }),
        win('2026-11-22T06:10:00Z', { revision: 3, gmv_minor: 30 }),
      ],
      (iso) => iso.slice(11, 16),
    );
    expect(series.map((p) => [p.label, p.gmv])).toEqual([
      ['06:09', 5],
      ['06:10', 30],
    ]);
  });
});

describe('KPI query range', () => {
  it('asks for an hour of M1 windows and a day of M15 windows, up to just after now', () => {
    expect(kpiRange('1m', NOW)).toEqual({
      from: '2026-11-22T05:10:30.000Z',
      to: '2026-11-22T06:11:30.000Z',
    });
    expect(kpiRange('15m', NOW).from).toBe('2026-11-21T06:10:30.000Z');
  });
});
