import { DEFAULT_STORE_TIMEZONE, localDateString, storeTimeZone } from '@retail-stream/runtime';
import type { StoreEvent } from '@retail-stream/schemas';
import { dayWrite, txWrite, type PaymentCell, type RowWrite, type SaleLocation } from './statements.ts';
import { writeTimestamp } from './write-timestamp.ts';

/**
 * What transaction_by_id_and_store already holds for one store's transaction (read before
 * planning), so that:
 *  - a payment, void or refund whose sale was written in an earlier batch finds the sale's row in
 *    sales_by_store_day (its day and occurred_at are the sale's, not the later event's);
 *  - a sale written after its payments (the store records payments first), or replayed after its
 *    void, copies their state into its new sales_by_store_day row.
 */
export interface TransactionState {
  storeId: string;
  day: string | null;
  occurredAt: number | null;
  status: string | null;
  /** writetime(status): the store_seq of the event that set it. */
  statusTimestamp: bigint | null;
  payments: ReadonlyMap<string, PaymentCell>;
  refunds: ReadonlyMap<string, bigint>;
}

/**
 * Key of a store's transaction in the state read before planning: transaction ids are the store's
 * own, so two stores naming one id are two transactions (and two rows).
 */
export function transactionKey(storeId: string, transactionId: string): string {
  return `${storeId}|${transactionId}`;
}

/** Transaction ids the events of a batch touch: the ones whose state planWrites wants to know. */
export function transactionIdsOf(events: readonly StoreEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) if ('transaction_id' in e) ids.add(e.transaction_id);
  return [...ids];
}

/**
 * The rows a batch of events writes. Pure: the same events and state always give the same writes,
 * and writes are unordered (every cell carries its event's timestamp, so Cassandra orders them).
 */
export function planWrites(
  events: readonly StoreEvent[],
  known: ReadonlyMap<string, TransactionState>,
  /** Zone of a store reference data does not name (STORE_DEFAULT_TIMEZONE, as KPI windows use). */
  defaultTimeZone: string = DEFAULT_STORE_TIMEZONE,
): RowWrite[] {
  // Keyed by store and transaction: an event only ever finds its own store's sale, so no store's
  // event is written into another store's partition even when both name one transaction id.
  const locations = new Map<string, SaleLocation>();
  for (const [key, s] of known) {
    if (s.day !== null && s.occurredAt !== null) {
      locations.set(key, {
        storeId: s.storeId,
        day: s.day,
        occurredAt: s.occurredAt,
        transactionId: key.slice(s.storeId.length + 1),
      });
    }
  }
  for (const e of events) {
    if (e.event_type === 'SaleRecorded')
      locations.set(transactionKey(e.store_id, e.transaction_id), saleLocation(e, defaultTimeZone));
  }
  const locationFor = (e: StoreEvent & { transaction_id: string }): SaleLocation | undefined =>
    locations.get(transactionKey(e.store_id, e.transaction_id));

  const out: RowWrite[] = [];
  for (const e of events) {
    const ts = writeTimestamp(e.store_seq);
    const seq = BigInt(e.store_seq);
    for (const s of 'stock' in e ? e.stock : []) {
      out.push({
        statement: 'inventory',
        partition: `inventory_by_store|${e.store_id}`,
        params: [ts, s.on_hand_after, seq, e.occurred_at, e.store_id, s.sku],
      });
    }
    switch (e.event_type) {
      case 'SaleRecorded': {
        const loc = saleLocation(e, defaultTimeZone);
        out.push(
          txWrite('txSale', ts, e.transaction_id, e.store_id, [
            loc.day,
            e.occurred_at,
            e.terminal_id,
            e.cashier_id,
            e.currency,
            BigInt(e.subtotal_minor),
            BigInt(e.discount_minor),
            BigInt(e.tax_minor),
            BigInt(e.total_minor),
            e.item_count,
            e.lines.map((l) => ({
              line_no: l.line_no,
              sku: l.sku,
              product_name: l.product_name,
              category: l.category,
              quantity: l.quantity,
              unit_price_minor: BigInt(l.unit_price_minor),
              discount_minor: BigInt(l.discount_minor),
              tax_minor: BigInt(l.tax_minor),
              line_total_minor: BigInt(l.line_total_minor),
            })),
            seq,
            seq,
          ]),
          dayWrite('daySale', ts, loc, [
            e.terminal_id,
            e.cashier_id,
            e.currency,
            BigInt(e.total_minor),
            e.item_count,
            seq,
          ]),
        );
        const prior = known.get(transactionKey(e.store_id, e.transaction_id));
        if (prior) {
          // Payment and refund entries never change once written, so any timestamp keeps them right;
          // the status is copied with the timestamp of the event that set it.
          for (const [id, p] of prior.payments) out.push(dayWrite('dayPayment', ts, loc, [id, p]));
          for (const [id, amount] of prior.refunds) out.push(dayWrite('dayRefund', ts, loc, [id, amount]));
          if (prior.status !== null && prior.statusTimestamp !== null && prior.statusTimestamp > ts) {
            out.push(dayWrite('dayStatus', prior.statusTimestamp, loc, [prior.status]));
          }
        }
        break;
      }
      case 'PaymentCaptured':
      case 'PaymentFailed': {
        const cell: PaymentCell = {
          method: e.method,
          amount_minor: BigInt(e.amount_minor),
          status: e.event_type === 'PaymentCaptured' ? 'CAPTURED' : 'FAILED',
          store_seq: seq,
        };
        out.push(txWrite('txPayment', ts, e.transaction_id, e.store_id, [e.payment_id, cell, seq]));
        const loc = locationFor(e);
        if (loc) out.push(dayWrite('dayPayment', ts, loc, [e.payment_id, cell]));
        break;
      }
      case 'SaleVoided': {
        out.push(txWrite('txVoid', ts, e.transaction_id, e.store_id, [e.occurred_at, e.reason, seq]));
        const loc = locationFor(e);
        if (loc) out.push(dayWrite('dayStatus', ts, loc, ['VOIDED']));
        break;
      }
      case 'SaleRefunded': {
        const amount = BigInt(e.amount_minor);
        out.push(txWrite('txRefund', ts, e.transaction_id, e.store_id, [e.refund_id, amount, seq]));
        const loc = locationFor(e);
        if (loc) out.push(dayWrite('dayRefund', ts, loc, [e.refund_id, amount]));
        break;
      }
      case 'GoodsReceived':
      case 'InventoryAdjusted':
        break;
    }
  }
  return out;
}

/**
 * A sale's row in sales_by_store_day: the store-local day of its occurred_at, in the zone KPI
 * windows and reconcile use for that store, so one day's sales are one partition everywhere.
 */
function saleLocation(e: StoreEvent & { event_type: 'SaleRecorded' }, defaultTimeZone: string): SaleLocation {
  return {
    storeId: e.store_id,
    day: localDateString(e.occurred_at, storeTimeZone(e, defaultTimeZone)),
    occurredAt: e.occurred_at,
    transactionId: e.transaction_id,
  };
}
