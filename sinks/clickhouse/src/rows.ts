import { ValidationError } from '@retail-stream/runtime';
import type { Enrichment, KpiWindowUpdated, StockChange, StoreEvent } from '@retail-stream/schemas';

/** Every table the sink writes, in the order a flush inserts them. */
export const TABLES = [
  'sales',
  'sale_lines',
  'payments',
  'refunds',
  'voids',
  'inventory_movements',
  'kpi_windows',
] as const;
export type Table = (typeof TABLES)[number];

/** A row as sent in JSONEachRow: column → JSON value. */
export type Row = Record<string, string | number | boolean | null | string[] | number[]>;

/** Rows per table, what one record or one batch produces. */
export type TableRows = Map<Table, Row[]>;

export function emptyTableRows(): TableRows {
  return new Map(TABLES.map((t) => [t, []]));
}

export function countRows(rows: TableRows): number {
  let n = 0;
  for (const list of rows.values()) n += list.length;
  return n;
}

/** Appends `more` to `into` (no copy of the rows themselves). */
export function appendRows(into: TableRows, more: TableRows): void {
  for (const [table, list] of more) {
    const target = into.get(table);
    if (target) for (const r of list) target.push(r);
    else into.set(table, [...list]);
  }
}

const u8 = (b: boolean): number => (b ? 1 : 0);

function storeColumns(e: Enrichment | null): Row {
  return { store_name: e?.store_name ?? null, region: e?.region ?? null };
}

function productOf(e: Enrichment | null, sku: string) {
  return e?.products.find((p) => p.sku === sku);
}

/**
 * Values the columns cannot hold (UInt64 store_seq, UInt16 positions) are bad input, not a
 * ClickHouse outage: they must be dead-lettered, never retried.
 */
function checkEnvelope(e: StoreEvent): void {
  if (!Number.isSafeInteger(e.store_seq) || e.store_seq < 1) {
    throw new ValidationError(
      'ROW_INVALID',
      `store_seq ${e.store_seq} of ${e.event_id} is not a positive integer`,
    );
  }
  if (e.event_id.length === 0 || e.store_id.length === 0) {
    throw new ValidationError('ROW_INVALID', 'event_id and store_id must not be empty');
  }
}

function movements(e: StoreEvent & { stock: StockChange[] }): Row[] {
  if (e.stock.length > 65_535)
    throw new ValidationError('ROW_INVALID', `${e.event_id}: too many stock changes`);
  return e.stock.map((s, i) => {
    const p = productOf(e.enrichment, s.sku);
    return {
      event_id: e.event_id,
      change_no: i + 1,
      event_type: e.event_type,
      store_id: e.store_id,
      store_seq: e.store_seq,
      sku: s.sku,
      delta: s.delta,
      on_hand_after: s.on_hand_after,
      category: p?.category ?? null,
      brand: p?.brand ?? null,
      occurred_at_ms: e.occurred_at,
    };
  });
}

/** The fact rows of one enriched store event. Pure; throws ValidationError ROW_INVALID on bad input. */
export function storeEventRows(e: StoreEvent): TableRows {
  checkEnvelope(e);
  const out = emptyTableRows();
  const push = (t: Table, rows: Row[]) => out.get(t)!.push(...rows);
  const store = storeColumns(e.enrichment);
  switch (e.event_type) {
    case 'SaleRecorded': {
      if (e.lines.length > 65_535) throw new ValidationError('ROW_INVALID', `${e.event_id}: too many lines`);
      push('sales', [
        {
          event_id: e.event_id,
          store_id: e.store_id,
          store_seq: e.store_seq,
          transaction_id: e.transaction_id,
          terminal_id: e.terminal_id,
          cashier_id: e.cashier_id,
          occurred_at_ms: e.occurred_at,
          currency: e.currency,
          subtotal_minor: e.subtotal_minor,
          discount_minor: e.discount_minor,
          tax_minor: e.tax_minor,
          total_minor: e.total_minor,
          item_count: e.item_count,
          line_count: e.lines.length,
          customer_ref: e.customer_ref,
          store_known: u8(e.enrichment?.store_known ?? false),
          ...store,
          ingested_at_ms: e.enrichment?.ingested_at ?? 0,
        },
      ]);
      push(
        'sale_lines',
        e.lines.map((l) => {
          const p = productOf(e.enrichment, l.sku);
          return {
            event_id: e.event_id,
            line_no: l.line_no,
            store_id: e.store_id,
            store_seq: e.store_seq,
            transaction_id: e.transaction_id,
            occurred_at_ms: e.occurred_at,
            sku: l.sku,
            barcode: l.barcode,
            product_name: l.product_name,
            // The line's own category is what the till charged under; reference data may be newer.
            category: l.category,
            brand: p?.brand ?? null,
            product_known: u8(p?.known ?? false),
            quantity: l.quantity,
            unit_price_minor: l.unit_price_minor,
            discount_minor: l.discount_minor,
            tax_rate_bp: l.tax_rate_bp,
            tax_minor: l.tax_minor,
            line_total_minor: l.line_total_minor,
            currency: e.currency,
            ...store,
          };
        }),
      );
      push('inventory_movements', movements(e));
      break;
    }
    case 'PaymentCaptured':
    case 'PaymentFailed': {
      const captured = e.event_type === 'PaymentCaptured';
      push('payments', [
        {
          event_id: e.event_id,
          event_type: e.event_type,
          store_id: e.store_id,
          store_seq: e.store_seq,
          transaction_id: e.transaction_id,
          payment_id: e.payment_id,
          status: captured ? 'captured' : 'failed',
          method: e.method,
          amount_minor: e.amount_minor,
          currency: e.currency,
          provider_ref: captured ? e.provider_ref : null,
          failure_reason: captured ? null : e.reason,
          terminal_id: e.terminal_id,
          occurred_at_ms: e.occurred_at,
          ...store,
        },
      ]);
      break;
    }
    case 'SaleRefunded':
      push('refunds', [
        {
          event_id: e.event_id,
          store_id: e.store_id,
          store_seq: e.store_seq,
          transaction_id: e.transaction_id,
          refund_id: e.refund_id,
          amount_minor: e.amount_minor,
          currency: e.currency,
          reason: e.reason,
          line_count: Math.min(e.lines.length, 65_535),
          quantity: e.lines.reduce((s, l) => s + l.quantity, 0),
          occurred_at_ms: e.occurred_at,
          ...store,
        },
      ]);
      push('inventory_movements', movements(e));
      break;
    case 'SaleVoided':
      push('voids', [
        {
          event_id: e.event_id,
          store_id: e.store_id,
          store_seq: e.store_seq,
          transaction_id: e.transaction_id,
          reason: e.reason,
          was_paid: u8(e.was_paid),
          total_minor: e.total_minor,
          currency: e.currency,
          occurred_at_ms: e.occurred_at,
          ...store,
        },
      ]);
      push('inventory_movements', movements(e));
      break;
    case 'GoodsReceived':
    case 'InventoryAdjusted':
      push('inventory_movements', movements(e));
      break;
    default: {
      const unknown: never = e;
      throw new ValidationError(
        'UNKNOWN_EVENT_TYPE',
        `no table for event type ${(unknown as { event_type?: string }).event_type}`,
      );
    }
  }
  return out;
}

/** The kpi_windows row of one KpiWindowUpdated. Pure; throws ValidationError ROW_INVALID on bad input. */
export function kpiWindowRows(k: KpiWindowUpdated): TableRows {
  if (!Number.isInteger(k.revision) || k.revision < 0 || k.revision > 0xffff_ffff) {
    throw new ValidationError('ROW_INVALID', `revision ${k.revision} of ${k.scope} does not fit UInt32`);
  }
  if (k.scope.length === 0) throw new ValidationError('ROW_INVALID', 'empty KPI scope');
  const methods = Object.keys(k.payments_by_method).sort();
  const out = emptyTableRows();
  out.get('kpi_windows')!.push({
    scope: k.scope,
    store_id: k.store_id,
    window_size: k.window_size,
    window_start_ms: k.window_start,
    window_end_ms: k.window_end,
    timezone: k.timezone,
    revision: k.revision,
    is_final: u8(k.is_final),
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
    payment_methods: methods,
    payment_amounts_minor: methods.map((m) => k.payments_by_method[m]!),
    updated_at_ms: k.updated_at,
  });
  return out;
}
