import type { KpiWindowUpdated } from '../generated/events.ts';

/** A valid KPI window upsert (store s1, M15, one cash sale); `over` replaces any field. */
export function kpiWindowFixture(over: Partial<KpiWindowUpdated> = {}): KpiWindowUpdated {
  return {
    scope: 'store:s1',
    store_id: 's1',
    window_size: 'M15',
    window_start: 1_763_769_600_000,
    window_end: 1_763_770_500_000,
    timezone: null,
    revision: 1,
    is_final: false,
    gmv_minor: 100_000,
    currency: 'VND',
    orders: 1,
    items: 2,
    refunds_minor: 0,
    voids_minor: 0,
    refund_count: 0,
    void_count: 0,
    payments_attempted: 1,
    payments_captured: 1,
    payments_by_method: { CASH: 100_000 },
    updated_at: 1_763_769_700_000,
    ...over,
  };
}
