import type { PaymentMethod } from './payment-state.ts';

/*
 * Event payloads exactly as the Avro records in schemas/avro/*.avsc name their fields (the relay
 * encodes the outbox payload as-is). Kept here until schemas/src/generated/events.ts exists; then
 * these become re-exports of the generated types.
 */

export interface EventEnvelope {
  event_id: string;
  event_type: string;
  store_id: string;
  terminal_id: string | null;
  cashier_id: string | null;
  store_seq: number;
  /** epoch milliseconds (Avro timestamp-millis). */
  occurred_at: number;
  trace_id: string;
}

export interface StockChange {
  sku: string;
  delta: number;
  on_hand_after: number;
}

export interface SaleLine {
  line_no: number;
  sku: string;
  barcode: string;
  product_name: string;
  category: string;
  quantity: number;
  unit_price_minor: number;
  discount_minor: number;
  tax_rate_bp: number;
  tax_minor: number;
  line_total_minor: number;
}

export interface RefundLine {
  line_no: number;
  sku: string;
  quantity: number;
  amount_minor: number;
}

export interface ReceiptLine {
  sku: string;
  quantity: number;
  unit_cost_minor: number;
}

export type AdjustmentReason = 'COUNT' | 'DAMAGE' | 'THEFT' | 'CORRECTION';

export interface EventFields {
  SaleRecorded: {
    transaction_id: string;
    currency: string;
    subtotal_minor: number;
    discount_minor: number;
    tax_minor: number;
    total_minor: number;
    item_count: number;
    customer_ref: string | null;
    lines: SaleLine[];
    stock: StockChange[];
  };
  PaymentCaptured: {
    transaction_id: string;
    payment_id: string;
    method: PaymentMethod;
    amount_minor: number;
    currency: string;
    provider_ref: string | null;
  };
  PaymentFailed: {
    transaction_id: string;
    payment_id: string;
    method: PaymentMethod;
    amount_minor: number;
    currency: string;
    reason: string;
  };
  SaleVoided: {
    transaction_id: string;
    reason: string;
    was_paid: boolean;
    total_minor: number;
    currency: string;
    stock: StockChange[];
  };
  SaleRefunded: {
    transaction_id: string;
    refund_id: string;
    amount_minor: number;
    currency: string;
    reason: string;
    lines: RefundLine[];
    stock: StockChange[];
  };
  GoodsReceived: {
    receipt_id: string;
    supplier_id: string;
    currency: string;
    total_cost_minor: number;
    lines: ReceiptLine[];
    stock: StockChange[];
  };
  InventoryAdjusted: {
    adjustment_id: string;
    reason: AdjustmentReason;
    note: string | null;
    stock: StockChange[];
  };
}

export type EventType = keyof EventFields;
export type StoreEvent<K extends EventType = EventType> = EventEnvelope & { event_type: K } & EventFields[K];

/** What a use case hands the outbox writer; the writer adds ids, sequence, time and trace. */
export type EventDraft = {
  [K in EventType]: {
    event_type: K;
    terminal_id: string | null;
    cashier_id: string | null;
    fields: EventFields[K];
  };
}[EventType];
