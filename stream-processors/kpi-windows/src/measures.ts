import type { PaymentMethod, StoreEvent } from '@retail-stream/schemas';

/**
 * The additive measures of a KPI window (all integers; amounts in minor units of one currency).
 * Everything a dashboard shows is derived from these at read time, so windows can be summed
 * (store → chain) and corrected by adding one more event.
 */
export interface Measures {
  gmv_minor: number;
  orders: number;
  items: number;
  refunds_minor: number;
  refund_count: number;
  voids_minor: number;
  void_count: number;
  payments_attempted: number;
  payments_captured: number;
  payments_by_method: Partial<Record<PaymentMethod, number>>;
}

export function emptyMeasures(): Measures {
  return {
    gmv_minor: 0,
    orders: 0,
    items: 0,
    refunds_minor: 0,
    refund_count: 0,
    voids_minor: 0,
    void_count: 0,
    payments_attempted: 0,
    payments_captured: 0,
    payments_by_method: {},
  };
}

/** The currency an event's amounts are in, or undefined for events without money (stock moves). */
export function currencyOf(ev: StoreEvent): string | undefined {
  switch (ev.event_type) {
    case 'SaleRecorded':
    case 'SaleRefunded':
    case 'SaleVoided':
    case 'PaymentCaptured':
    case 'PaymentFailed':
      return ev.currency;
    default:
      return undefined;
  }
}

/**
 * Adds one event to `m` (mutating, for speed on the hot path). GMV is net: paid sales minus
 * refunds minus voids of paid sales. A void of an unpaid sale counts in void_count only (the sale
 * never reached GMV: SaleRecorded is only written for finalised, paid sales).
 * Returns false for event types that carry no KPI (stock moves).
 */
export function addEvent(m: Measures, ev: StoreEvent): boolean {
  switch (ev.event_type) {
    case 'SaleRecorded':
      m.gmv_minor += ev.total_minor;
      m.orders += 1;
      m.items += ev.item_count;
      return true;
    case 'SaleRefunded':
      m.gmv_minor -= ev.amount_minor;
      m.refunds_minor += ev.amount_minor;
      m.refund_count += 1;
      return true;
    case 'SaleVoided':
      m.void_count += 1;
      if (ev.was_paid) {
        m.gmv_minor -= ev.total_minor;
        m.voids_minor += ev.total_minor;
      }
      return true;
    case 'PaymentCaptured':
      m.payments_attempted += 1;
      m.payments_captured += 1;
      m.payments_by_method[ev.method] = (m.payments_by_method[ev.method] ?? 0) + ev.amount_minor;
      return true;
    case 'PaymentFailed':
      m.payments_attempted += 1;
      return true;
    default:
      return false;
  }
}

/** target += sign × delta (store windows summed into chain windows, or one replaced by a newer revision). */
export function addMeasures(target: Measures, delta: Measures, sign: 1 | -1 = 1): void {
  target.gmv_minor += sign * delta.gmv_minor;
  target.orders += sign * delta.orders;
  target.items += sign * delta.items;
  target.refunds_minor += sign * delta.refunds_minor;
  target.refund_count += sign * delta.refund_count;
  target.voids_minor += sign * delta.voids_minor;
  target.void_count += sign * delta.void_count;
  target.payments_attempted += sign * delta.payments_attempted;
  target.payments_captured += sign * delta.payments_captured;
  for (const [method, amount] of Object.entries(delta.payments_by_method) as [PaymentMethod, number][]) {
    const next = (target.payments_by_method[method] ?? 0) + sign * amount;
    if (next === 0) delete target.payments_by_method[method];
    else target.payments_by_method[method] = next;
  }
}

export function cloneMeasures(m: Measures): Measures {
  return { ...m, payments_by_method: { ...m.payments_by_method } };
}

/** Read-time derivations, documented in KpiWindowUpdated.avsc (undefined when the divisor is 0). */
export function derived(m: Measures, windowMs: number) {
  return {
    averageBasketMinor: m.orders > 0 ? m.gmv_minor / m.orders : undefined,
    ordersPerMinute: m.orders / (windowMs / 60_000),
    paymentSuccessRate: m.payments_attempted > 0 ? m.payments_captured / m.payments_attempted : undefined,
  };
}
