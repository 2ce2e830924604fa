import type { KpiWindowUpdated, StoreEvent, WindowSize } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';

export const TIMEZONE = 'Asia/Ho_Chi_Minh';
const TZ_OFFSET_MS = 7 * 3_600_000; // Asia/Ho_Chi_Minh has no DST

const SIZE_MS: Record<Exclude<WindowSize, 'D1_LOCAL'>, number> = {
  M1: 60_000,
  M15: 900_000,
  H1: 3_600_000,
};

/** Start of the window of `size` holding `nowMs` (D1_LOCAL: local midnight in TIMEZONE as a UTC instant). */
export function windowStart(size: WindowSize, nowMs: number): number {
  if (size === 'D1_LOCAL') return Math.floor((nowMs + TZ_OFFSET_MS) / 86_400_000) * 86_400_000 - TZ_OFFSET_MS;
  return Math.floor(nowMs / SIZE_MS[size]) * SIZE_MS[size];
}

function windowEnd(size: WindowSize, start: number): number {
  return start + (size === 'D1_LOCAL' ? 86_400_000 : SIZE_MS[size]);
}

export interface KpiNumbers {
  gmv_minor: number;
  orders: number;
  attempted: number;
  captured: number;
}

export function kpiRecord(
  storeId: string | null,
  size: WindowSize,
  start: number,
  n: KpiNumbers,
  updatedAt: number,
): KpiWindowUpdated {
  return {
    scope: storeId === null ? 'chain' : `store:${storeId}`,
    store_id: storeId,
    window_size: size,
    window_start: start,
    window_end: windowEnd(size, start),
    timezone: size === 'D1_LOCAL' ? TIMEZONE : null,
    revision: 2,
    is_final: false,
    gmv_minor: n.gmv_minor,
    currency: 'VND',
    orders: n.orders,
    items: n.orders * 3,
    refunds_minor: 0,
    voids_minor: 0,
    refund_count: 0,
    void_count: 0,
    payments_attempted: n.attempted,
    payments_captured: n.captured,
    payments_by_method: { CASH: n.gmv_minor },
    updated_at: updatedAt,
  };
}

/** Distinct, recognisable numbers per scope and window size, so a card showing the wrong one fails. */
export const KPI_NUMBERS: Record<string, Record<WindowSize, KpiNumbers>> = {
  chain: {
    M1: { gmv_minor: 1_234_000, orders: 4, attempted: 5, captured: 4 },
    M15: { gmv_minor: 5_550_000, orders: 12, attempted: 12, captured: 12 },
    H1: { gmv_minor: 20_125_000, orders: 41, attempted: 50, captured: 45 },
    D1_LOCAL: { gmv_minor: 123_456_000, orders: 250, attempted: 260, captured: 255 },
  },
  s001: {
    M1: { gmv_minor: 800_000, orders: 3, attempted: 4, captured: 3 },
    M15: { gmv_minor: 3_000_000, orders: 7, attempted: 7, captured: 7 },
    H1: { gmv_minor: 11_000_000, orders: 22, attempted: 25, captured: 24 },
    D1_LOCAL: { gmv_minor: 70_000_000, orders: 140, attempted: 150, captured: 148 },
  },
  s002: {
    M1: { gmv_minor: 434_000, orders: 1, attempted: 1, captured: 1 },
    M15: { gmv_minor: 2_550_000, orders: 5, attempted: 5, captured: 5 },
    H1: { gmv_minor: 9_125_000, orders: 19, attempted: 25, captured: 21 },
    D1_LOCAL: { gmv_minor: 53_456_000, orders: 110, attempted: 110, captured: 107 },
  },
};

/**
 * The KPI records of the fixture: current windows of every size for the chain and stores s001
 * and s002 (s003 has events but no KPIs: its cards must show the empty state), plus an older M1
 * window per scope so "the current window" has something to be told apart from.
 */
export function kpiFixture(nowMs: number): KpiWindowUpdated[] {
  const records: KpiWindowUpdated[] = [];
  for (const [scope, sizes] of Object.entries(KPI_NUMBERS)) {
    const storeId = scope === 'chain' ? null : scope;
    for (const [size, n] of Object.entries(sizes) as [WindowSize, KpiNumbers][]) {
      records.push(kpiRecord(storeId, size, windowStart(size, nowMs), n, nowMs));
    }
    records.push(
      kpiRecord(
        storeId,
        'M1',
        windowStart('M1', nowMs) - 5 * 60_000,
        { gmv_minor: 77_000, orders: 1, attempted: 2, captured: 1 },
        nowMs,
      ),
    );
  }
  return records;
}

export const STORE_NAMES: Record<string, string> = {
  s001: 'Hanoi Old Quarter',
  s002: 'Saigon District 1',
  s003: 'Da Nang Beach',
};

/** Enriched store events (as the ingest processor would write them) for s001..s003. */
export function storeEventFixture(nowMs: number): StoreEvent[] {
  const events: StoreEvent[] = [];
  for (const [i, storeId] of ['s001', 's002', 's003'].entries()) {
    const factory = new StoreEventFactory(storeId, undefined, 1, () => nowMs - 30_000);
    for (const e of factory.mixed(6 - i)) {
      events.push({
        ...e,
        enrichment: {
          store_known: true,
          store_name: STORE_NAMES[storeId]!,
          region: 'VN',
          timezone: TIMEZONE,
          products: [],
          ingested_at: nowMs - 20_000,
          pharmacy_code: null,
        },
      } as StoreEvent);
    }
  }
  return events;
}
