import type { StoreEvent } from '@retail-stream/schemas';
import { defineTable, iso } from './define-table.ts';

/** hq_transactions: one row per sale, merged from its SaleRecorded, SaleVoided and SaleRefunded. */
export interface TransactionRow {
  store_id: string;
  transaction_id: string;
  sale_event_id: string | null;
  store_seq: number | null;
  terminal_id: string | null;
  cashier_id: string | null;
  occurred_at: string | null;
  currency: string | null;
  subtotal_minor: number | null;
  discount_minor: number | null;
  tax_minor: number | null;
  total_minor: number | null;
  item_count: number | null;
  customer_ref: string | null;
  status: 'PAID' | 'VOIDED';
  voided_at: string | null;
  voided_minor: number | null;
  void_reason: string | null;
  void_event_id: string | null;
  refunded_minor: number;
  refund_count: number;
}

/**
 * Sale columns are set once (whichever of sale, void or refund came first created the row);
 * VOIDED is absorbing; refunds add up. All three commute, so order of application is irrelevant.
 */
export const transactionsTable = defineTable<TransactionRow>()({
  table: 'hq_transactions',
  columns: [
    ['store_id', 'text'],
    ['transaction_id', 'text'],
    ['sale_event_id', 'text'],
    ['store_seq', 'bigint'],
    ['terminal_id', 'text'],
    ['cashier_id', 'text'],
    ['occurred_at', 'timestamptz'],
    ['currency', 'text'],
    ['subtotal_minor', 'bigint'],
    ['discount_minor', 'bigint'],
    ['tax_minor', 'bigint'],
    ['total_minor', 'bigint'],
    ['item_count', 'integer'],
    ['customer_ref', 'text'],
    ['status', 'text'],
    ['voided_at', 'timestamptz'],
    ['voided_minor', 'bigint'],
    ['void_reason', 'text'],
    ['void_event_id', 'text'],
    ['refunded_minor', 'bigint'],
    ['refund_count', 'integer'],
  ],
  tail: `ON CONFLICT (store_id, transaction_id) DO UPDATE SET
    sale_event_id = COALESCE(t.sale_event_id, excluded.sale_event_id),
    store_seq = COALESCE(t.store_seq, excluded.store_seq),
    terminal_id = COALESCE(t.terminal_id, excluded.terminal_id),
    cashier_id = COALESCE(t.cashier_id, excluded.cashier_id),
    occurred_at = COALESCE(t.occurred_at, excluded.occurred_at),
    currency = COALESCE(t.currency, excluded.currency),
    subtotal_minor = COALESCE(t.subtotal_minor, excluded.subtotal_minor),
    discount_minor = COALESCE(t.discount_minor, excluded.discount_minor),
    tax_minor = COALESCE(t.tax_minor, excluded.tax_minor),
    total_minor = COALESCE(t.total_minor, excluded.total_minor),
    item_count = COALESCE(t.item_count, excluded.item_count),
    customer_ref = COALESCE(t.customer_ref, excluded.customer_ref),
    status = CASE WHEN t.status = 'VOIDED' OR excluded.status = 'VOIDED' THEN 'VOIDED' ELSE 'PAID' END,
    voided_at = COALESCE(t.voided_at, excluded.voided_at),
    voided_minor = COALESCE(t.voided_minor, excluded.voided_minor),
    void_reason = COALESCE(t.void_reason, excluded.void_reason),
    void_event_id = COALESCE(t.void_event_id, excluded.void_event_id),
    refunded_minor = t.refunded_minor + excluded.refunded_minor,
    refund_count = t.refund_count + excluded.refund_count`,
});

function emptyTransaction(storeId: string, transactionId: string): TransactionRow {
  return {
    store_id: storeId,
    transaction_id: transactionId,
    sale_event_id: null,
    store_seq: null,
    terminal_id: null,
    cashier_id: null,
    occurred_at: null,
    currency: null,
    subtotal_minor: null,
    discount_minor: null,
    tax_minor: null,
    total_minor: null,
    item_count: null,
    customer_ref: null,
    status: 'PAID',
    voided_at: null,
    voided_minor: null,
    void_reason: null,
    void_event_id: null,
    refunded_minor: 0,
    refund_count: 0,
  };
}

/**
 * One row per sale the batch touches, merged the way the SQL above merges rows: a batch may hold a
 * sale with its void and refunds, and one upsert may not touch a row twice.
 */
export function transactionRows(events: readonly StoreEvent[]): TransactionRow[] {
  const transactions = new Map<string, TransactionRow>();
  const tx = (storeId: string, transactionId: string): TransactionRow => {
    const key = `${storeId}\u0000${transactionId}`;
    let row = transactions.get(key);
    if (!row) {
      row = emptyTransaction(storeId, transactionId);
      transactions.set(key, row);
    }
    return row;
  };
  for (const e of events) {
    switch (e.event_type) {
      case 'SaleRecorded':
        Object.assign(tx(e.store_id, e.transaction_id), {
          sale_event_id: e.event_id,
          store_seq: e.store_seq,
          terminal_id: e.terminal_id,
          cashier_id: e.cashier_id,
          occurred_at: iso(e.occurred_at),
          currency: e.currency,
          subtotal_minor: e.subtotal_minor,
          discount_minor: e.discount_minor,
          tax_minor: e.tax_minor,
          total_minor: e.total_minor,
          item_count: e.item_count,
          customer_ref: e.customer_ref,
        });
        break;
      case 'SaleVoided': {
        // A void of an unpaid sale reverses nothing: that sale never reached HQ as SaleRecorded.
        if (!e.was_paid) break;
        const row = tx(e.store_id, e.transaction_id);
        row.currency ??= e.currency;
        if (row.void_event_id === null) {
          Object.assign(row, {
            status: 'VOIDED',
            voided_at: iso(e.occurred_at),
            voided_minor: e.total_minor,
            void_reason: e.reason,
            void_event_id: e.event_id,
          });
        }
        break;
      }
      case 'SaleRefunded': {
        const row = tx(e.store_id, e.transaction_id);
        row.currency ??= e.currency;
        row.refunded_minor += e.amount_minor;
        row.refund_count += 1;
        break;
      }
      default:
        break;
    }
  }
  return [...transactions.values()];
}
