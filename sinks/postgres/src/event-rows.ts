import type { Enrichment, KpiWindowUpdated, StoreEvent } from '@retail-stream/schemas';

/**
 * Store events → rows of the HQ tables. Pure: the batch writer inserts what this returns. Rows
 * that several events of one batch touch (a store, a sale with its void, a SKU's stock) are merged
 * here, because one INSERT ... ON CONFLICT DO UPDATE may not touch a row twice.
 */

/** A decoded store event and where it was read from. */
export interface SourcedEvent {
  event: StoreEvent;
  partition: number;
  offset: string;
}

export interface InboxRow {
  event_id: string;
  store_id: string;
  store_seq: number;
  event_type: string;
  occurred_at: string;
  source_partition: number;
  source_offset: string;
}

export interface StoreRow {
  store_id: string;
  name: string | null;
  region: string | null;
  timezone: string | null;
  currency: string | null;
  last_event_at: string;
  last_store_seq: number;
  events_total: number;
}

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

export interface LineItemRow {
  store_id: string;
  transaction_id: string;
  line_no: number;
  sku: string;
  barcode: string;
  product_name: string;
  category: string | null;
  brand: string | null;
  quantity: number;
  unit_price_minor: number;
  discount_minor: number;
  tax_rate_bp: number;
  tax_minor: number;
  line_total_minor: number;
  currency: string;
  occurred_at: string;
}

export interface PaymentRow {
  store_id: string;
  payment_id: string;
  event_id: string;
  transaction_id: string;
  status: 'CAPTURED' | 'FAILED';
  method: string;
  amount_minor: number;
  currency: string;
  provider_ref: string | null;
  failure_reason: string | null;
  occurred_at: string;
  store_seq: number;
}

export interface RefundRow {
  store_id: string;
  refund_id: string;
  event_id: string;
  transaction_id: string;
  amount_minor: number;
  currency: string;
  reason: string;
  occurred_at: string;
  store_seq: number;
}

export interface RefundLineRow {
  store_id: string;
  refund_id: string;
  line_no: number;
  sku: string;
  quantity: number;
  amount_minor: number;
  occurred_at: string;
}

export interface InventoryRow {
  store_id: string;
  sku: string;
  on_hand: number;
  last_store_seq: number;
  updated_at: string;
}

export interface GoodsReceiptRow {
  store_id: string;
  receipt_id: string;
  event_id: string;
  supplier_id: string;
  currency: string;
  total_cost_minor: number;
  lines: string;
  occurred_at: string;
  store_seq: number;
}

export interface AdjustmentRow {
  store_id: string;
  adjustment_id: string;
  event_id: string;
  reason: string;
  note: string | null;
  stock: string;
  occurred_at: string;
  store_seq: number;
}

export interface KpiRow {
  scope: string;
  window_size: string;
  window_start: string;
  window_end: string;
  store_id: string | null;
  timezone: string | null;
  revision: number;
  is_final: boolean;
  gmv_minor: number;
  currency: string;
  orders: number;
  items: number;
  refunds_minor: number;
  voids_minor: number;
  refund_count: number;
  void_count: number;
  payments_attempted: number;
  payments_captured: number;
  payments_by_method: string;
  updated_at: string;
}

export interface HqRows {
  stores: StoreRow[];
  transactions: TransactionRow[];
  lineItems: LineItemRow[];
  payments: PaymentRow[];
  refunds: RefundRow[];
  refundLines: RefundLineRow[];
  inventory: InventoryRow[];
  goodsReceipts: GoodsReceiptRow[];
  adjustments: AdjustmentRow[];
}

export const iso = (ms: number): string => new Date(ms).toISOString();

export function inboxRow({ event, partition, offset }: SourcedEvent): InboxRow {
  return {
    event_id: event.event_id,
    store_id: event.store_id,
    store_seq: event.store_seq,
    event_type: event.event_type,
    occurred_at: iso(event.occurred_at),
    source_partition: partition,
    source_offset: offset,
  };
}

/** Drops repeated event ids within one batch (the first copy wins; copies are identical). */
export function uniqueEvents(events: SourcedEvent[]): SourcedEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.event.event_id) && seen.add(e.event.event_id) !== undefined);
}

function productOf(enrichment: Enrichment | null, sku: string) {
  return enrichment?.products.find((p) => p.sku === sku && p.known);
}

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
 * Rows for events that were not applied before (the inbox decided that). Every merge here is
 * commutative with the SQL merge of the writer, so the final tables do not depend on how events
 * were split into batches or in which order batches were applied.
 */
export function mapEvents(events: SourcedEvent[]): HqRows {
  const out: HqRows = {
    stores: [],
    transactions: [],
    lineItems: [],
    payments: [],
    refunds: [],
    refundLines: [],
    inventory: [],
    goodsReceipts: [],
    adjustments: [],
  };
  const stores = new Map<string, StoreRow & { enrichmentSeq: number; currencySeq: number }>();
  const transactions = new Map<string, TransactionRow>();
  const inventory = new Map<string, InventoryRow>();
  const tx = (storeId: string, transactionId: string): TransactionRow => {
    const key = `${storeId}\u0000${transactionId}`;
    let row = transactions.get(key);
    if (!row) {
      row = emptyTransaction(storeId, transactionId);
      transactions.set(key, row);
    }
    return row;
  };

  for (const { event: e } of events) {
    const at = iso(e.occurred_at);
    let store = stores.get(e.store_id);
    if (!store) {
      store = {
        store_id: e.store_id,
        name: null,
        region: null,
        timezone: null,
        currency: null,
        last_event_at: at,
        last_store_seq: 0,
        events_total: 0,
        enrichmentSeq: -1,
        currencySeq: -1,
      };
      stores.set(e.store_id, store);
    }
    store.events_total += 1;
    if (e.store_seq > store.last_store_seq) store.last_store_seq = e.store_seq;
    if (at > store.last_event_at) store.last_event_at = at;
    if (e.enrichment?.store_known && e.store_seq > store.enrichmentSeq) {
      store.enrichmentSeq = e.store_seq;
      store.name = e.enrichment.store_name;
      store.region = e.enrichment.region;
      store.timezone = e.enrichment.timezone;
    }
    // The contract: a store unknown to reference data has no name, region, timezone or currency.
    if ('currency' in e && e.enrichment?.store_known && e.store_seq > store.currencySeq) {
      store.currencySeq = e.store_seq;
      store.currency = e.currency;
    }
    for (const s of 'stock' in e ? e.stock : []) {
      const key = `${e.store_id}\u0000${s.sku}`;
      const prev = inventory.get(key);
      if (!prev || e.store_seq >= prev.last_store_seq) {
        inventory.set(key, {
          store_id: e.store_id,
          sku: s.sku,
          on_hand: s.on_hand_after,
          last_store_seq: e.store_seq,
          updated_at: at,
        });
      }
    }

    switch (e.event_type) {
      case 'SaleRecorded': {
        const row = tx(e.store_id, e.transaction_id);
        Object.assign(row, {
          sale_event_id: e.event_id,
          store_seq: e.store_seq,
          terminal_id: e.terminal_id,
          cashier_id: e.cashier_id,
          occurred_at: at,
          currency: e.currency,
          subtotal_minor: e.subtotal_minor,
          discount_minor: e.discount_minor,
          tax_minor: e.tax_minor,
          total_minor: e.total_minor,
          item_count: e.item_count,
          customer_ref: e.customer_ref,
        });
        for (const l of e.lines) {
          const product = productOf(e.enrichment, l.sku);
          out.lineItems.push({
            store_id: e.store_id,
            transaction_id: e.transaction_id,
            line_no: l.line_no,
            sku: l.sku,
            barcode: l.barcode,
            product_name: l.product_name,
            category: product?.category ?? l.category,
            brand: product?.brand ?? null,
            quantity: l.quantity,
            unit_price_minor: l.unit_price_minor,
            discount_minor: l.discount_minor,
            tax_rate_bp: l.tax_rate_bp,
            tax_minor: l.tax_minor,
            line_total_minor: l.line_total_minor,
            currency: e.currency,
            occurred_at: at,
          });
        }
        break;
      }
      case 'SaleVoided': {
        // A void of an unpaid sale reverses nothing: that sale never reached HQ as SaleRecorded.
        if (!e.was_paid) break;
        const row = tx(e.store_id, e.transaction_id);
        row.currency ??= e.currency;
        if (row.void_event_id === null) {
          Object.assign(row, {
            status: 'VOIDED',
            voided_at: at,
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
        out.refunds.push({
          store_id: e.store_id,
          refund_id: e.refund_id,
          event_id: e.event_id,
          transaction_id: e.transaction_id,
          amount_minor: e.amount_minor,
          currency: e.currency,
          reason: e.reason,
          occurred_at: at,
          store_seq: e.store_seq,
        });
        for (const l of e.lines) {
          out.refundLines.push({
            store_id: e.store_id,
            refund_id: e.refund_id,
            line_no: l.line_no,
            sku: l.sku,
            quantity: l.quantity,
            amount_minor: l.amount_minor,
            occurred_at: at,
          });
        }
        break;
      }
      case 'PaymentCaptured':
      case 'PaymentFailed':
        out.payments.push({
          store_id: e.store_id,
          payment_id: e.payment_id,
          event_id: e.event_id,
          transaction_id: e.transaction_id,
          status: e.event_type === 'PaymentCaptured' ? 'CAPTURED' : 'FAILED',
          method: e.method,
          amount_minor: e.amount_minor,
          currency: e.currency,
          provider_ref: e.event_type === 'PaymentCaptured' ? e.provider_ref : null,
          failure_reason: e.event_type === 'PaymentFailed' ? e.reason : null,
          occurred_at: at,
          store_seq: e.store_seq,
        });
        break;
      case 'GoodsReceived':
        out.goodsReceipts.push({
          store_id: e.store_id,
          receipt_id: e.receipt_id,
          event_id: e.event_id,
          supplier_id: e.supplier_id,
          currency: e.currency,
          total_cost_minor: e.total_cost_minor,
          lines: JSON.stringify(e.lines),
          occurred_at: at,
          store_seq: e.store_seq,
        });
        break;
      case 'InventoryAdjusted':
        out.adjustments.push({
          store_id: e.store_id,
          adjustment_id: e.adjustment_id,
          event_id: e.event_id,
          reason: e.reason,
          note: e.note,
          stock: JSON.stringify(e.stock),
          occurred_at: at,
          store_seq: e.store_seq,
        });
        break;
    }
  }
  out.stores = [...stores.values()].map(({ enrichmentSeq: _e, currencySeq: _c, ...row }) => row);
  out.transactions = [...transactions.values()];
  out.inventory = [...inventory.values()];
  return out;
}

/** KPI upserts → rows, one per window key (the highest revision of the batch). */
export function mapKpis(records: KpiWindowUpdated[]): KpiRow[] {
  const best = new Map<string, KpiWindowUpdated>();
  for (const k of records) {
    const key = `${k.scope}|${k.window_size}|${k.window_start}`;
    const prev = best.get(key);
    if (!prev || k.revision > prev.revision) best.set(key, k);
  }
  return [...best.values()].map((k) => ({
    scope: k.scope,
    window_size: k.window_size,
    window_start: iso(k.window_start),
    window_end: iso(k.window_end),
    store_id: k.store_id,
    timezone: k.timezone,
    revision: k.revision,
    is_final: k.is_final,
    gmv_minor: k.gmv_minor,
    currency: k.currency,
    orders: k.orders,
    items: k.items,
    refunds_minor: k.refunds_minor,
    voids_minor: k.voids_minor,
    refund_count: k.refund_count,
    void_count: k.void_count,
    payments_attempted: k.payments_attempted,
    payments_captured: k.payments_captured,
    payments_by_method: JSON.stringify(k.payments_by_method),
    updated_at: iso(k.updated_at),
  }));
}
