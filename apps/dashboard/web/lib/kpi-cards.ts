import type { KpiWindow, WindowParam } from '../api-types.ts';

export const WINDOW_LABELS: Record<WindowParam, string> = {
  '1m': 'Last minute',
  '15m': 'Last 15 min',
  '1h': 'Last hour',
  '1d': 'Today',
};

export interface KpiCard {
  window: WindowParam;
  label: string;
  /** undefined: no window of this size has data yet. */
  latest: KpiWindow | undefined;
  gmvMinor: number | null;
  currency: string | null;
  orders: number | null;
  orderRatePerMin: number | null;
  paymentSuccessRate: number | null;
  avgBasketMinor: number | null;
}

/**
 * The window a card shows: the newest that has started (the one in progress). A window starting
 * in the future (clock skew between browser and stores) is not "now" yet.
 */
export function currentWindow(items: readonly KpiWindow[], nowMs: number): KpiWindow | undefined {
  let best: KpiWindow | undefined;
  for (const w of items) {
    const start = Date.parse(w.window_start);
    if (start > nowMs) continue;
    if (!best || start > Date.parse(best.window_start)) best = w;
  }
  return best;
}

export function kpiCard(window: WindowParam, items: readonly KpiWindow[], nowMs: number): KpiCard {
  const latest = currentWindow(items, nowMs);
  return {
    window,
    label: WINDOW_LABELS[window],
    latest,
    gmvMinor: latest?.gmv_minor ?? null,
    currency: latest?.currency ?? null,
    orders: latest?.orders ?? null,
    orderRatePerMin: latest?.order_rate_per_min ?? null,
    paymentSuccessRate: latest?.payment_success_rate ?? null,
    avgBasketMinor: latest?.avg_basket_minor ?? null,
  };
}

export interface SeriesPoint {
  t: number;
  label: string;
  gmv: number;
  orders: number;
  orderRate: number;
  successRate: number | null;
  avgBasket: number | null;
}

/**
 * Chart points in time order, one per window (the API already returns the latest revision per
 * window; a duplicate start keeps the higher revision). Money stays in minor units; the chart's
 * axis formatter turns it into currency.
 */
export function kpiSeries(items: readonly KpiWindow[], fmtLabel: (iso: string) => string): SeriesPoint[] {
  const byStart = new Map<string, KpiWindow>();
  for (const w of items) {
    const prev = byStart.get(w.window_start);
    if (!prev || w.revision > prev.revision) byStart.set(w.window_start, w);
  }
  return [...byStart.values()]
    .sort((a, b) => Date.parse(a.window_start) - Date.parse(b.window_start))
    .map((w) => ({
      t: Date.parse(w.window_start),
      label: fmtLabel(w.window_start),
      gmv: w.gmv_minor,
      orders: w.orders,
      orderRate: w.order_rate_per_min,
      successRate: w.payment_success_rate,
      avgBasket: w.avg_basket_minor,
    }));
}

/** Query range per card: enough history to hold the current window of each size. */
export function kpiRange(window: WindowParam, nowMs: number): { from: string; to: string } {
  const back: Record<WindowParam, number> = {
    '1m': 60 * 60_000, // the chart's hour of M1 windows
    '15m': 24 * 3_600_000, // the chart's day of M15 windows
    '1h': 3 * 3_600_000,
    '1d': 3 * 86_400_000, // local days start up to ±14 h from UTC midnight
  };
  // `to` is exclusive and a window may start this very minute.
  return { from: new Date(nowMs - back[window]).toISOString(), to: new Date(nowMs + 60_000).toISOString() };
}
