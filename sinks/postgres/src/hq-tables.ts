import type {
  AdjustmentRow,
  GoodsReceiptRow,
  InboxRow,
  InventoryRow,
  KpiRow,
  LineItemRow,
  PaymentRow,
  RefundLineRow,
  RefundRow,
  StoreRow,
  TransactionRow,
} from './event-rows.ts';
import type { TableSpec } from './unnest-insert.ts';

/**
 * How each HQ table is written. Every conflict rule makes re-applying or re-ordering harmless:
 * immutable facts DO NOTHING; merged rows combine commutatively (see the comments).
 */

export const inboxTable: TableSpec<InboxRow> = {
  table: 'hq_inbox',
  columns: [
    ['event_id', 'text'],
    ['store_id', 'text'],
    ['store_seq', 'bigint'],
    ['event_type', 'text'],
    ['occurred_at', 'timestamptz'],
    ['source_partition', 'integer'],
    ['source_offset', 'bigint'],
  ],
  tail: 'ON CONFLICT (event_id) DO NOTHING RETURNING event_id',
};

/** Counters add up (each event is counted once: only inbox-new events reach here); maxima take the max. */
export const storesTable: TableSpec<StoreRow> = {
  table: 'stores',
  columns: [
    ['store_id', 'text'],
    ['name', 'text'],
    ['region', 'text'],
    ['timezone', 'text'],
    ['currency', 'text'],
    ['last_event_at', 'timestamptz'],
    ['last_store_seq', 'bigint'],
    ['events_total', 'bigint'],
  ],
  tail: `ON CONFLICT (store_id) DO UPDATE SET
    name = CASE WHEN excluded.last_store_seq >= t.last_store_seq THEN COALESCE(excluded.name, t.name) ELSE COALESCE(t.name, excluded.name) END,
    region = CASE WHEN excluded.last_store_seq >= t.last_store_seq THEN COALESCE(excluded.region, t.region) ELSE COALESCE(t.region, excluded.region) END,
    timezone = CASE WHEN excluded.last_store_seq >= t.last_store_seq THEN COALESCE(excluded.timezone, t.timezone) ELSE COALESCE(t.timezone, excluded.timezone) END,
    currency = CASE WHEN excluded.last_store_seq >= t.last_store_seq THEN COALESCE(excluded.currency, t.currency) ELSE COALESCE(t.currency, excluded.currency) END,
    last_event_at = GREATEST(t.last_event_at, excluded.last_event_at),
    last_store_seq = GREATEST(t.last_store_seq, excluded.last_store_seq),
    events_total = t.events_total + excluded.events_total,
    last_received_at = now()`,
};

/**
 * Sale columns are set once (whichever of sale, void or refund came first created the row);
 * VOIDED is absorbing; refunds add up. All three commute, so order of application is irrelevant.
 */
export const transactionsTable: TableSpec<TransactionRow> = {
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
};

export const lineItemsTable: TableSpec<LineItemRow> = {
  table: 'hq_line_items',
  columns: [
    ['store_id', 'text'],
    ['transaction_id', 'text'],
    ['line_no', 'integer'],
    ['sku', 'text'],
    ['barcode', 'text'],
    ['product_name', 'text'],
    ['category', 'text'],
    ['brand', 'text'],
    ['quantity', 'integer'],
    ['unit_price_minor', 'bigint'],
    ['discount_minor', 'bigint'],
    ['tax_rate_bp', 'integer'],
    ['tax_minor', 'bigint'],
    ['line_total_minor', 'bigint'],
    ['currency', 'text'],
    ['occurred_at', 'timestamptz'],
  ],
  tail: 'ON CONFLICT DO NOTHING',
};

export const paymentsTable: TableSpec<PaymentRow> = {
  table: 'hq_payments',
  columns: [
    ['store_id', 'text'],
    ['payment_id', 'text'],
    ['event_id', 'text'],
    ['transaction_id', 'text'],
    ['status', 'text'],
    ['method', 'text'],
    ['amount_minor', 'bigint'],
    ['currency', 'text'],
    ['provider_ref', 'text'],
    ['failure_reason', 'text'],
    ['occurred_at', 'timestamptz'],
    ['store_seq', 'bigint'],
  ],
  tail: 'ON CONFLICT DO NOTHING',
};

export const refundsTable: TableSpec<RefundRow> = {
  table: 'hq_refunds',
  columns: [
    ['store_id', 'text'],
    ['refund_id', 'text'],
    ['event_id', 'text'],
    ['transaction_id', 'text'],
    ['amount_minor', 'bigint'],
    ['currency', 'text'],
    ['reason', 'text'],
    ['occurred_at', 'timestamptz'],
    ['store_seq', 'bigint'],
  ],
  tail: 'ON CONFLICT DO NOTHING',
};

export const refundLinesTable: TableSpec<RefundLineRow> = {
  table: 'hq_refund_lines',
  columns: [
    ['store_id', 'text'],
    ['refund_id', 'text'],
    ['line_no', 'integer'],
    ['sku', 'text'],
    ['quantity', 'integer'],
    ['amount_minor', 'bigint'],
    ['occurred_at', 'timestamptz'],
  ],
  tail: 'ON CONFLICT DO NOTHING',
};

/** Last write by store_seq wins, whatever order the writes arrive in. */
export const inventoryTable: TableSpec<InventoryRow> = {
  table: 'hq_inventory',
  columns: [
    ['store_id', 'text'],
    ['sku', 'text'],
    ['on_hand', 'integer'],
    ['last_store_seq', 'bigint'],
    ['updated_at', 'timestamptz'],
  ],
  tail: `ON CONFLICT (store_id, sku) DO UPDATE SET
    on_hand = excluded.on_hand, last_store_seq = excluded.last_store_seq, updated_at = excluded.updated_at
    WHERE excluded.last_store_seq > t.last_store_seq`,
};

export const goodsReceiptsTable: TableSpec<GoodsReceiptRow> = {
  table: 'hq_goods_receipts',
  columns: [
    ['store_id', 'text'],
    ['receipt_id', 'text'],
    ['event_id', 'text'],
    ['supplier_id', 'text'],
    ['currency', 'text'],
    ['total_cost_minor', 'bigint'],
    ['lines', 'jsonb'],
    ['occurred_at', 'timestamptz'],
    ['store_seq', 'bigint'],
  ],
  tail: 'ON CONFLICT DO NOTHING',
};

export const adjustmentsTable: TableSpec<AdjustmentRow> = {
  table: 'hq_inventory_adjustments',
  columns: [
    ['store_id', 'text'],
    ['adjustment_id', 'text'],
    ['event_id', 'text'],
    ['reason', 'text'],
    ['note', 'text'],
    ['stock', 'jsonb'],
    ['occurred_at', 'timestamptz'],
    ['store_seq', 'bigint'],
  ],
  tail: 'ON CONFLICT DO NOTHING',
};

/** Highest revision wins; an equal or lower revision (a redelivery, a stale replay) changes nothing. */
export const kpiTable: TableSpec<KpiRow> = {
  table: 'kpi_windows',
  columns: [
    ['scope', 'text'],
    ['window_size', 'text'],
    ['window_start', 'timestamptz'],
    ['window_end', 'timestamptz'],
    ['store_id', 'text'],
    ['timezone', 'text'],
    ['revision', 'integer'],
    ['is_final', 'boolean'],
    ['gmv_minor', 'bigint'],
    ['currency', 'text'],
    ['orders', 'bigint'],
    ['items', 'bigint'],
    ['refunds_minor', 'bigint'],
    ['voids_minor', 'bigint'],
    ['refund_count', 'bigint'],
    ['void_count', 'bigint'],
    ['payments_attempted', 'bigint'],
    ['payments_captured', 'bigint'],
    ['payments_by_method', 'jsonb'],
    ['updated_at', 'timestamptz'],
  ],
  tail: `ON CONFLICT (scope, window_size, window_start) DO UPDATE SET
    window_end = excluded.window_end, store_id = excluded.store_id, timezone = excluded.timezone,
    revision = excluded.revision, is_final = excluded.is_final, gmv_minor = excluded.gmv_minor,
    currency = excluded.currency, orders = excluded.orders, items = excluded.items,
    refunds_minor = excluded.refunds_minor, voids_minor = excluded.voids_minor,
    refund_count = excluded.refund_count, void_count = excluded.void_count,
    payments_attempted = excluded.payments_attempted, payments_captured = excluded.payments_captured,
    payments_by_method = excluded.payments_by_method, updated_at = excluded.updated_at, received_at = now()
    WHERE excluded.revision > t.revision`,
};
