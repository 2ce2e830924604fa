import type { StoreEvent } from '@retail-stream/schemas';
import { DEFAULT_STORE_TIMEZONE, localDateString, storeTimeZone } from '@retail-stream/runtime';

/**
 * The projections as "each event applied once" defines them, computed straight from the events
 * (independent of the sink's code paths except the day rule), for integration tests to compare with.
 */
export interface ExpectedProjections {
  /** `store|sku` → on hand / seq of the newest stock change. */
  inventory: Map<string, { onHand: number; lastStoreSeq: number }>;
  transactions: Map<
    string,
    {
      storeId: string;
      day: string | null;
      totalMinor: number | null;
      status: string | null;
      refundedMinor: number;
      payments: number;
      lastStoreSeq: number;
    }
  >;
  /** `store|day` → transaction ids of the sales on that day, sorted. */
  salesByDay: Map<string, string[]>;
}

export function expectedProjections(events: readonly StoreEvent[]): ExpectedProjections {
  const unique = new Map(events.map((e) => [e.event_id, e]));
  const inventory: ExpectedProjections['inventory'] = new Map();
  const transactions: ExpectedProjections['transactions'] = new Map();
  const refunds = new Map<string, Map<string, number>>();
  const payments = new Map<string, Set<string>>();
  for (const e of unique.values()) {
    for (const s of 'stock' in e ? e.stock : []) {
      const key = `${e.store_id}|${s.sku}`;
      const cur = inventory.get(key);
      if (!cur || cur.lastStoreSeq < e.store_seq) {
        inventory.set(key, { onHand: s.on_hand_after, lastStoreSeq: e.store_seq });
      }
    }
    if (!('transaction_id' in e)) continue;
    const tx = transactions.get(e.transaction_id) ?? {
      storeId: e.store_id,
      day: null,
      totalMinor: null,
      status: null,
      refundedMinor: 0,
      payments: 0,
      lastStoreSeq: 0,
    };
    tx.lastStoreSeq = Math.max(tx.lastStoreSeq, e.store_seq);
    if (e.event_type === 'SaleRecorded') {
      tx.day = localDateString(e.occurred_at, storeTimeZone(e, DEFAULT_STORE_TIMEZONE));
      tx.totalMinor = e.total_minor;
      if (tx.status === null) tx.status = 'PAID';
    } else if (e.event_type === 'SaleVoided') {
      tx.status = 'VOIDED';
    } else if (e.event_type === 'SaleRefunded') {
      const r = refunds.get(e.transaction_id) ?? new Map<string, number>();
      r.set(e.refund_id, e.amount_minor);
      refunds.set(e.transaction_id, r);
    } else {
      const p = payments.get(e.transaction_id) ?? new Set<string>();
      p.add(e.payment_id);
      payments.set(e.transaction_id, p);
    }
    transactions.set(e.transaction_id, tx);
  }
  const salesByDay: ExpectedProjections['salesByDay'] = new Map();
  for (const [id, tx] of transactions) {
    tx.refundedMinor = [...(refunds.get(id)?.values() ?? [])].reduce((a, b) => a + b, 0);
    tx.payments = payments.get(id)?.size ?? 0;
    if (tx.day === null) continue;
    const key = `${tx.storeId}|${tx.day}`;
    salesByDay.set(key, [...(salesByDay.get(key) ?? []), id].sort());
  }
  return { inventory, transactions, salesByDay };
}
