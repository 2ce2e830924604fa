// generated — do not edit.
// Source: schemas/avro/*.avsc. Regenerate with `npm run generate -w @retail-stream/schemas`;
// schemas/src/codegen.test.ts fails while this file is stale.

/*
 * Avro → TypeScript:
 * - string → string; boolean → boolean; int, long, float, double → number.
 *   long → number is exact: JS numbers represent every integer up to 2^53 (≈ 9.007e15), far above
 *   any amount in minor units (even in VND) and any store_seq; avsc refuses to encode or decode a
 *   long beyond ±(2^53 - 2) instead of rounding it.
 * - {"type":"long","logicalType":"timestamp-millis"} → number (epoch milliseconds, UTC).
 * - ["null", T] → T | null: the property is always present, null when absent.
 * - array → T[]; map → Record<string, T>; enum → union of string literals (+ a const list of symbols).
 * - Store events' event_type → the record name as a string literal, so StoreEvent narrows on it.
 */

/**
 * Why stock was adjusted outside sales and receipts. EXPIRY and DESTRUCTION write goods off; for
 * medicines they are reported to the national pharmacy database as an export slip (loai_phieu_xuat
 * 3).
 *
 * Avro enum `retail.events.AdjustmentReason` (AdjustmentReason.avsc).
 */
export type AdjustmentReason = 'COUNT' | 'DAMAGE' | 'THEFT' | 'CORRECTION' | 'EXPIRY' | 'DESTRUCTION';

/** Symbols of AdjustmentReason, in schema order. */
export const ADJUSTMENT_REASON_SYMBOLS: readonly AdjustmentReason[] = [
  'COUNT',
  'DAMAGE',
  'THEFT',
  'CORRECTION',
  'EXPIRY',
  'DESTRUCTION',
];

/**
 * What the national pharmacy database needs to know about a medicine (a product on the national
 * drug list). Absent for products that are not medicines.
 *
 * Avro record `retail.ref.DrugInfo` (DrugInfo.avsc).
 */
export interface DrugInfo {
  /**
   * The drug's code on the national drug list (ma_thuoc); only lines of such products are reported
   * to the authority.
   */
  national_drug_code: string;
  /** Marketing authorisation / registration number (so_dang_ky, so_dklh). */
  registration_no: string;
  /** Dispensing unit as the authority spells it (don_vi_tinh), e.g. "Viên", "Hộp". */
  unit: string;
  /**
   * Active ingredient strength (ham_luong), e.g. "500mg"; null when not applicable. Avro: [null,
   * string], default null.
   */
  strength: string | null;
  /**
   * Route of administration (duong_dung), e.g. "Uống"; null when not applicable. Avro: [null,
   * string], default null.
   */
  route: string | null;
  /**
   * Default dosage instruction printed on the invoice line (lieu_dung); null when none. Avro:
   * [null, string], default null.
   */
  dosage: string | null;
  /**
   * Dispensing units per sold unit (ty_le_quy_doi): 1 when the product is sold in its dispensing
   * unit. Avro: int, default 1.
   */
  conversion_ratio: number;
}

/**
 * Reference data of one SKU of an event, joined by the ingest processor from retail.ref.products.
 *
 * Avro record `retail.events.ProductRef` (ProductRef.avsc).
 */
export interface ProductRef {
  sku: string;
  /**
   * False when retail.ref.products had no record for the SKU when the event was enriched; category
   * and brand are then null.
   */
  known: boolean;
  /** Avro: [null, string], default null. */
  category: string | null;
  /** Avro: [null, string], default null. */
  brand: string | null;
  /**
   * The product's medicine data from reference data (ProductUpserted.drug); null when it is not a
   * medicine or unknown. Avro: [null, retail.ref.DrugInfo], default null.
   */
  drug: DrugInfo | null;
}

/**
 * Reference data joined to a store event by the ingest processor (retail.events.enriched). Null on
 * retail.pos.events, where stores write events.
 *
 * Avro record `retail.events.Enrichment` (Enrichment.avsc).
 */
export interface Enrichment {
  /**
   * False when retail.ref.stores had no record for the store when the event was enriched; name,
   * region and timezone are then null.
   */
  store_known: boolean;
  /** Avro: [null, string], default null. */
  store_name: string | null;
  /** Avro: [null, string], default null. */
  region: string | null;
  /** IANA time zone of the store, e.g. "Asia/Ho_Chi_Minh". Avro: [null, string], default null. */
  timezone: string | null;
  /**
   * One entry per distinct SKU the event names (lines, stock changes), in first-seen order; empty
   * for events without SKUs.
   */
  products: ProductRef[];
  /**
   * When the ingest processor validated and enriched the event (processing time), epoch
   * milliseconds UTC. Avro: long (timestamp-millis).
   */
  ingested_at: number;
  /**
   * The store's national pharmacy code (StoreUpserted.pharmacy_code, ma_co_so); null when the store
   * is not a pharmacy or unknown. Avro: [null, string], default null.
   */
  pharmacy_code: string | null;
}

/**
 * Units of one production lot of a lot-tracked product (medicines): which lot a line was sold from,
 * received into, returned to or written off from.
 *
 * Avro record `retail.events.LotQuantity` (LotQuantity.avsc).
 */
export interface LotQuantity {
  /** The manufacturer's lot (batch) number (so_lo). */
  lot_no: string;
  /** Manufacture date (ngay_san_xuat), days since 1970-01-01. Avro: int (date). */
  manufactured_on: number;
  /**
   * Expiry date (han_dung), days since 1970-01-01; the store edge sells the earliest-expiring lot
   * first. Avro: int (date).
   */
  expires_on: number;
  /** Units of this lot (positive). Avro: int. */
  quantity: number;
}

/**
 * One SKU of a goods receipt. Amounts are in the enclosing event's currency.
 *
 * Avro record `retail.events.ReceiptLine` (ReceiptLine.avsc).
 */
export interface ReceiptLine {
  sku: string;
  /** Units received (positive). Avro: int. */
  quantity: number;
  /** Purchase cost per unit, in minor units. Avro: long. */
  unit_cost_minor: number;
  /**
   * For lot-tracked products (medicines): the lots received; quantities sum to quantity. Empty for
   * other products. Avro: array<retail.events.LotQuantity>, default [].
   */
  lots: LotQuantity[];
}

/**
 * One SKU's stock movement at the event's store. Every event that changes stock carries a list of
 * these; projections keep, per (store_id, sku), the on_hand_after of the highest store_seq seen
 * (last write by store_seq wins), so replays and redeliveries converge.
 *
 * Avro record `retail.events.StockChange` (StockChange.avsc).
 */
export interface StockChange {
  sku: string;
  /**
   * Signed change in units: negative for sales, positive for receipts, restocks and upward count
   * corrections. Avro: int.
   */
  delta: number;
  /**
   * Units on hand at the store after this change (may be negative if the store sells stock it has
   * not booked in). Avro: int.
   */
  on_hand_after: number;
  /**
   * For lot-tracked products on InventoryAdjusted: the lots adjusted (a write-off names the expired
   * or destroyed lot, quantities positive). Empty on other events, which carry lots on their lines.
   * Avro: array<retail.events.LotQuantity>, default [].
   */
  lots: LotQuantity[];
}

/**
 * A delivery from a supplier (import) was booked into the store's stock.
 *
 * Avro record `retail.events.GoodsReceived` (GoodsReceived.avsc).
 */
export interface GoodsReceived {
  /**
   * Globally unique id of this event (UUIDv7, time-ordered), assigned at the store; consumers
   * deduplicate on it.
   */
  event_id: string;
  /**
   * Always "GoodsReceived" (the record name), so consumers can switch on it without looking at the
   * schema.
   */
  event_type: 'GoodsReceived';
  /**
   * Store that produced the event; the Kafka key, so one store's events stay in one partition in
   * store_seq order.
   */
  store_id: string;
  /**
   * POS terminal the change came from; null for back-office changes. Avro: [null, string], default
   * null.
   */
  terminal_id: string | null;
  /**
   * Staff id of the cashier or clerk who made the change (an employee id, not personal data); null
   * when none applies. Avro: [null, string], default null.
   */
  cashier_id: string | null;
  /**
   * Per-store sequence number: starts at 1, increases by exactly 1 per event across all event types
   * (gap-free), taken inside the database transaction that made the change, so commit order equals
   * sequence order. Ordering, deduplication and completeness checks rely on it. Avro: long.
   */
  store_seq: number;
  /**
   * When the change happened at the store (event time), epoch milliseconds UTC. Avro: long
   * (timestamp-millis).
   */
  occurred_at: number;
  /**
   * Trace id of the request that caused the event, carried through every hop for logs and the trace
   * CLI.
   */
  trace_id: string;
  /** Goods receipt (delivery note) id. */
  receipt_id: string;
  supplier_id: string;
  /**
   * ISO 4217 code of every *_minor amount in this event (and its lines), e.g. "VND" (no minor
   * unit), "USD" (cents).
   */
  currency: string;
  /** Sum of quantity * unit_cost_minor over the lines. Avro: long. */
  total_cost_minor: number;
  lines: ReceiptLine[];
  /** Stock increments, one per SKU received. */
  stock: StockChange[];
  /**
   * Always null on retail.pos.events (as the store wrote it); set by the ingest processor on
   * retail.events.enriched. Avro: [null, retail.events.Enrichment], default null.
   */
  enrichment: Enrichment | null;
}

/**
 * Stock was corrected outside sales and receipts (stock count, damage, theft, correction).
 *
 * Avro record `retail.events.InventoryAdjusted` (InventoryAdjusted.avsc).
 */
export interface InventoryAdjusted {
  /**
   * Globally unique id of this event (UUIDv7, time-ordered), assigned at the store; consumers
   * deduplicate on it.
   */
  event_id: string;
  /**
   * Always "InventoryAdjusted" (the record name), so consumers can switch on it without looking at
   * the schema.
   */
  event_type: 'InventoryAdjusted';
  /**
   * Store that produced the event; the Kafka key, so one store's events stay in one partition in
   * store_seq order.
   */
  store_id: string;
  /**
   * POS terminal the change came from; null for back-office changes. Avro: [null, string], default
   * null.
   */
  terminal_id: string | null;
  /**
   * Staff id of the cashier or clerk who made the change (an employee id, not personal data); null
   * when none applies. Avro: [null, string], default null.
   */
  cashier_id: string | null;
  /**
   * Per-store sequence number: starts at 1, increases by exactly 1 per event across all event types
   * (gap-free), taken inside the database transaction that made the change, so commit order equals
   * sequence order. Ordering, deduplication and completeness checks rely on it. Avro: long.
   */
  store_seq: number;
  /**
   * When the change happened at the store (event time), epoch milliseconds UTC. Avro: long
   * (timestamp-millis).
   */
  occurred_at: number;
  /**
   * Trace id of the request that caused the event, carried through every hop for logs and the trace
   * CLI.
   */
  trace_id: string;
  adjustment_id: string;
  reason: AdjustmentReason;
  /** Free text from the clerk; null when none. Avro: [null, string], default null. */
  note: string | null;
  /** The adjusted SKUs; for a COUNT, on_hand_after is the counted quantity. */
  stock: StockChange[];
  /**
   * Always null on retail.pos.events (as the store wrote it); set by the ingest processor on
   * retail.events.enriched. Avro: [null, retail.events.Enrichment], default null.
   */
  enrichment: Enrichment | null;
}

/**
 * How a payment was (or was attempted to be) made. Adding a symbol is a backward-compatible change;
 * removing one is not.
 *
 * Avro enum `retail.events.PaymentMethod` (PaymentMethod.avsc).
 */
export type PaymentMethod = 'CASH' | 'CARD' | 'QR';

/** Symbols of PaymentMethod, in schema order. */
export const PAYMENT_METHOD_SYMBOLS: readonly PaymentMethod[] = ['CASH', 'CARD', 'QR'];

/**
 * Money for a sale was taken (cash accepted, card or QR payment authorised and captured). A sale
 * may have several payments (split tender).
 *
 * Avro record `retail.events.PaymentCaptured` (PaymentCaptured.avsc).
 */
export interface PaymentCaptured {
  /**
   * Globally unique id of this event (UUIDv7, time-ordered), assigned at the store; consumers
   * deduplicate on it.
   */
  event_id: string;
  /**
   * Always "PaymentCaptured" (the record name), so consumers can switch on it without looking at
   * the schema.
   */
  event_type: 'PaymentCaptured';
  /**
   * Store that produced the event; the Kafka key, so one store's events stay in one partition in
   * store_seq order.
   */
  store_id: string;
  /**
   * POS terminal the change came from; null for back-office changes. Avro: [null, string], default
   * null.
   */
  terminal_id: string | null;
  /**
   * Staff id of the cashier or clerk who made the change (an employee id, not personal data); null
   * when none applies. Avro: [null, string], default null.
   */
  cashier_id: string | null;
  /**
   * Per-store sequence number: starts at 1, increases by exactly 1 per event across all event types
   * (gap-free), taken inside the database transaction that made the change, so commit order equals
   * sequence order. Ordering, deduplication and completeness checks rely on it. Avro: long.
   */
  store_seq: number;
  /**
   * When the change happened at the store (event time), epoch milliseconds UTC. Avro: long
   * (timestamp-millis).
   */
  occurred_at: number;
  /**
   * Trace id of the request that caused the event, carried through every hop for logs and the trace
   * CLI.
   */
  trace_id: string;
  /** Sale this payment belongs to. */
  transaction_id: string;
  /** Unique per payment attempt. */
  payment_id: string;
  method: PaymentMethod;
  /** Amount captured, in minor units. Avro: long. */
  amount_minor: number;
  /**
   * ISO 4217 code of every *_minor amount in this event (and its lines), e.g. "VND" (no minor
   * unit), "USD" (cents).
   */
  currency: string;
  /** Acquirer's or QR provider's reference; null for cash. Avro: [null, string], default null. */
  provider_ref: string | null;
  /**
   * Always null on retail.pos.events (as the store wrote it); set by the ingest processor on
   * retail.events.enriched. Avro: [null, retail.events.Enrichment], default null.
   */
  enrichment: Enrichment | null;
}

/**
 * A payment attempt was declined or errored; the sale stays open and may be paid another way.
 *
 * Avro record `retail.events.PaymentFailed` (PaymentFailed.avsc).
 */
export interface PaymentFailed {
  /**
   * Globally unique id of this event (UUIDv7, time-ordered), assigned at the store; consumers
   * deduplicate on it.
   */
  event_id: string;
  /**
   * Always "PaymentFailed" (the record name), so consumers can switch on it without looking at the
   * schema.
   */
  event_type: 'PaymentFailed';
  /**
   * Store that produced the event; the Kafka key, so one store's events stay in one partition in
   * store_seq order.
   */
  store_id: string;
  /**
   * POS terminal the change came from; null for back-office changes. Avro: [null, string], default
   * null.
   */
  terminal_id: string | null;
  /**
   * Staff id of the cashier or clerk who made the change (an employee id, not personal data); null
   * when none applies. Avro: [null, string], default null.
   */
  cashier_id: string | null;
  /**
   * Per-store sequence number: starts at 1, increases by exactly 1 per event across all event types
   * (gap-free), taken inside the database transaction that made the change, so commit order equals
   * sequence order. Ordering, deduplication and completeness checks rely on it. Avro: long.
   */
  store_seq: number;
  /**
   * When the change happened at the store (event time), epoch milliseconds UTC. Avro: long
   * (timestamp-millis).
   */
  occurred_at: number;
  /**
   * Trace id of the request that caused the event, carried through every hop for logs and the trace
   * CLI.
   */
  trace_id: string;
  /** Sale this payment attempt belongs to. */
  transaction_id: string;
  /** Unique per payment attempt. */
  payment_id: string;
  method: PaymentMethod;
  /** Amount that was attempted, in minor units. Avro: long. */
  amount_minor: number;
  /**
   * ISO 4217 code of every *_minor amount in this event (and its lines), e.g. "VND" (no minor
   * unit), "USD" (cents).
   */
  currency: string;
  /** Decline or error reason as reported by the provider or terminal. */
  reason: string;
  /**
   * Always null on retail.pos.events (as the store wrote it); set by the ingest processor on
   * retail.events.enriched. Avro: [null, retail.events.Enrichment], default null.
   */
  enrichment: Enrichment | null;
}

/**
 * One refunded line of an earlier sale. Amounts are in the enclosing event's currency.
 *
 * Avro record `retail.events.RefundLine` (RefundLine.avsc).
 */
export interface RefundLine {
  /** line_no of the SaleLine being refunded. Avro: int. */
  line_no: number;
  sku: string;
  /** Units returned (positive). Avro: int. */
  quantity: number;
  /** Amount refunded for this line, in minor units. Avro: long. */
  amount_minor: number;
  /**
   * For lot-tracked products (medicines): the lots the returned units go back to; quantities sum to
   * quantity when the goods go back on the shelf. Empty otherwise. Avro:
   * array<retail.events.LotQuantity>, default [].
   */
  lots: LotQuantity[];
}

/**
 * One line of a sale, priced as at the moment of sale (product data is copied so the event stays
 * meaningful after catalogue changes). Amounts are in the enclosing event's currency.
 *
 * Avro record `retail.events.SaleLine` (SaleLine.avsc).
 */
export interface SaleLine {
  /** Position in the sale, from 1. Avro: int. */
  line_no: number;
  sku: string;
  barcode: string;
  product_name: string;
  category: string;
  /** Units sold (positive). Avro: int. */
  quantity: number;
  /** Price per unit as charged (tax-inclusive shelf price), in minor units. Avro: long. */
  unit_price_minor: number;
  /** Discount on this line (not per unit), in minor units, >= 0. Avro: long. */
  discount_minor: number;
  /** Tax rate in basis points: 1000 = 10%. Avro: int. */
  tax_rate_bp: number;
  /** Tax contained in line_total_minor (prices include tax), in minor units. Avro: long. */
  tax_minor: number;
  /**
   * Amount charged for the line: quantity * unit_price_minor - discount_minor, tax included, in
   * minor units. Avro: long.
   */
  line_total_minor: number;
  /**
   * For lot-tracked products (medicines): the lots the units came from, earliest expiry first;
   * quantities sum to quantity. Empty for other products. Avro: array<retail.events.LotQuantity>,
   * default [].
   */
  lots: LotQuantity[];
}

/**
 * A sale was finalized (status PAID) at a terminal. Emitted once per transaction, in the same store
 * transaction as the sale rows; payments are separate events.
 *
 * Avro record `retail.events.SaleRecorded` (SaleRecorded.avsc).
 */
export interface SaleRecorded {
  /**
   * Globally unique id of this event (UUIDv7, time-ordered), assigned at the store; consumers
   * deduplicate on it.
   */
  event_id: string;
  /**
   * Always "SaleRecorded" (the record name), so consumers can switch on it without looking at the
   * schema.
   */
  event_type: 'SaleRecorded';
  /**
   * Store that produced the event; the Kafka key, so one store's events stay in one partition in
   * store_seq order.
   */
  store_id: string;
  /**
   * POS terminal the change came from; null for back-office changes. Avro: [null, string], default
   * null.
   */
  terminal_id: string | null;
  /**
   * Staff id of the cashier or clerk who made the change (an employee id, not personal data); null
   * when none applies. Avro: [null, string], default null.
   */
  cashier_id: string | null;
  /**
   * Per-store sequence number: starts at 1, increases by exactly 1 per event across all event types
   * (gap-free), taken inside the database transaction that made the change, so commit order equals
   * sequence order. Ordering, deduplication and completeness checks rely on it. Avro: long.
   */
  store_seq: number;
  /**
   * When the change happened at the store (event time), epoch milliseconds UTC. Avro: long
   * (timestamp-millis).
   */
  occurred_at: number;
  /**
   * Trace id of the request that caused the event, carried through every hop for logs and the trace
   * CLI.
   */
  trace_id: string;
  /** Store transaction (basket) id; links payments, voids and refunds to this sale. */
  transaction_id: string;
  /**
   * ISO 4217 code of every *_minor amount in this event (and its lines), e.g. "VND" (no minor
   * unit), "USD" (cents).
   */
  currency: string;
  /** Sum of quantity * unit_price_minor over the lines, before discounts. Avro: long. */
  subtotal_minor: number;
  /** Sum of line discounts. Avro: long. */
  discount_minor: number;
  /** Sum of line tax (tax is included in the totals). Avro: long. */
  tax_minor: number;
  /**
   * Amount due: subtotal_minor - discount_minor; equals the sum of line_total_minor. Avro: long.
   */
  total_minor: number;
  /** Sum of line quantities. Avro: int. */
  item_count: number;
  /**
   * Loyalty customer, pseudonymised at the store with a keyed HMAC (never the raw id, phone or card
   * number); null for anonymous sales. Avro: [null, string], default null.
   */
  customer_ref: string | null;
  lines: SaleLine[];
  /** Stock decrements, one per SKU sold. */
  stock: StockChange[];
  /**
   * National e-prescription code (ma_don_thuoc_quoc_gia) when the sale dispenses a prescription;
   * null otherwise. Avro: [null, string], default null.
   */
  prescription_code: string | null;
  /**
   * Always null on retail.pos.events (as the store wrote it); set by the ingest processor on
   * retail.events.enriched. Avro: [null, retail.events.Enrichment], default null.
   */
  enrichment: Enrichment | null;
}

/**
 * Money was given back for (part of) an earlier paid sale, usually with goods returned.
 *
 * Avro record `retail.events.SaleRefunded` (SaleRefunded.avsc).
 */
export interface SaleRefunded {
  /**
   * Globally unique id of this event (UUIDv7, time-ordered), assigned at the store; consumers
   * deduplicate on it.
   */
  event_id: string;
  /**
   * Always "SaleRefunded" (the record name), so consumers can switch on it without looking at the
   * schema.
   */
  event_type: 'SaleRefunded';
  /**
   * Store that produced the event; the Kafka key, so one store's events stay in one partition in
   * store_seq order.
   */
  store_id: string;
  /**
   * POS terminal the change came from; null for back-office changes. Avro: [null, string], default
   * null.
   */
  terminal_id: string | null;
  /**
   * Staff id of the cashier or clerk who made the change (an employee id, not personal data); null
   * when none applies. Avro: [null, string], default null.
   */
  cashier_id: string | null;
  /**
   * Per-store sequence number: starts at 1, increases by exactly 1 per event across all event types
   * (gap-free), taken inside the database transaction that made the change, so commit order equals
   * sequence order. Ordering, deduplication and completeness checks rely on it. Avro: long.
   */
  store_seq: number;
  /**
   * When the change happened at the store (event time), epoch milliseconds UTC. Avro: long
   * (timestamp-millis).
   */
  occurred_at: number;
  /**
   * Trace id of the request that caused the event, carried through every hop for logs and the trace
   * CLI.
   */
  trace_id: string;
  /** Original sale. */
  transaction_id: string;
  /** Unique per refund; one sale may be refunded several times. */
  refund_id: string;
  /** Total refunded, in minor units; equals the sum of line amounts. Avro: long. */
  amount_minor: number;
  /**
   * ISO 4217 code of every *_minor amount in this event (and its lines), e.g. "VND" (no minor
   * unit), "USD" (cents).
   */
  currency: string;
  reason: string;
  lines: RefundLine[];
  /** Restock of returned goods (positive deltas); empty when nothing goes back on the shelf. */
  stock: StockChange[];
  /**
   * Always null on retail.pos.events (as the store wrote it); set by the ingest processor on
   * retail.events.enriched. Avro: [null, retail.events.Enrichment], default null.
   */
  enrichment: Enrichment | null;
}

/**
 * A sale was cancelled at the store, before or after payment.
 *
 * Avro record `retail.events.SaleVoided` (SaleVoided.avsc).
 */
export interface SaleVoided {
  /**
   * Globally unique id of this event (UUIDv7, time-ordered), assigned at the store; consumers
   * deduplicate on it.
   */
  event_id: string;
  /**
   * Always "SaleVoided" (the record name), so consumers can switch on it without looking at the
   * schema.
   */
  event_type: 'SaleVoided';
  /**
   * Store that produced the event; the Kafka key, so one store's events stay in one partition in
   * store_seq order.
   */
  store_id: string;
  /**
   * POS terminal the change came from; null for back-office changes. Avro: [null, string], default
   * null.
   */
  terminal_id: string | null;
  /**
   * Staff id of the cashier or clerk who made the change (an employee id, not personal data); null
   * when none applies. Avro: [null, string], default null.
   */
  cashier_id: string | null;
  /**
   * Per-store sequence number: starts at 1, increases by exactly 1 per event across all event types
   * (gap-free), taken inside the database transaction that made the change, so commit order equals
   * sequence order. Ordering, deduplication and completeness checks rely on it. Avro: long.
   */
  store_seq: number;
  /**
   * When the change happened at the store (event time), epoch milliseconds UTC. Avro: long
   * (timestamp-millis).
   */
  occurred_at: number;
  /**
   * Trace id of the request that caused the event, carried through every hop for logs and the trace
   * CLI.
   */
  trace_id: string;
  /** Sale being voided. */
  transaction_id: string;
  reason: string;
  /**
   * True when the sale had been finalized (SaleRecorded emitted) before the void; only then does
   * the void reverse revenue and stock.
   */
  was_paid: boolean;
  /** Total of the voided sale, in minor units. Avro: long. */
  total_minor: number;
  /**
   * ISO 4217 code of every *_minor amount in this event (and its lines), e.g. "VND" (no minor
   * unit), "USD" (cents).
   */
  currency: string;
  /** Restock (positive deltas) when a paid sale is voided; empty otherwise. */
  stock: StockChange[];
  /**
   * Always null on retail.pos.events (as the store wrote it); set by the ingest processor on
   * retail.events.enriched. Avro: [null, retail.events.Enrichment], default null.
   */
  enrichment: Enrichment | null;
}

/**
 * KPI window length: 1 minute, 15 minutes, 1 hour (all aligned to UTC epoch), or one local business
 * day in the store's time zone.
 *
 * Avro enum `retail.kpi.WindowSize` (WindowSize.avsc).
 */
export type WindowSize = 'M1' | 'M15' | 'H1' | 'D1_LOCAL';

/** Symbols of WindowSize, in schema order. */
export const WINDOW_SIZE_SYMBOLS: readonly WindowSize[] = ['M1', 'M15', 'H1', 'D1_LOCAL'];

/**
 * KPIs of one event-time window, published as an upsert keyed by (scope, window_size,
 * window_start); each update carries a higher revision, and is_final marks the revision published
 * when allowed lateness has passed (later revisions of a final window are corrections). Every
 * measure is additive; derive at read time: average basket = gmv_minor / orders (orders > 0), order
 * rate per minute = orders / ((window_end - window_start) / 60000), payment success rate =
 * payments_captured / payments_attempted (attempted > 0).
 *
 * Avro record `retail.kpi.KpiWindowUpdated` (KpiWindowUpdated.avsc).
 */
export interface KpiWindowUpdated {
  /** "store:<store_id>" or "chain". */
  scope: string;
  /** The store for store scope; null for chain scope. Avro: [null, string], default null. */
  store_id: string | null;
  window_size: WindowSize;
  /** Inclusive window start, epoch milliseconds UTC. Avro: long (timestamp-millis). */
  window_start: number;
  /** Exclusive window end, epoch milliseconds UTC. Avro: long (timestamp-millis). */
  window_end: number;
  /**
   * IANA time zone that defines the day for D1_LOCAL windows; null otherwise. Avro: [null, string],
   * default null.
   */
  timezone: string | null;
  /** Increases with every update of this window, from 1; consumers keep the highest. Avro: int. */
  revision: number;
  /**
   * True once the store's watermark (its highest occurred_at minus the allowed lateness) passed
   * window_end; chain windows are final when every contributing store window is. Later events are
   * corrections: republished with a higher revision, still final.
   */
  is_final: boolean;
  /**
   * Net gross merchandise value in minor units: sum of SaleRecorded.total_minor (finalised, paid
   * sales) minus SaleRefunded.amount_minor minus SaleVoided.total_minor of voids with was_paid,
   * each counted in the window of its own occurred_at. Avro: long.
   */
  gmv_minor: number;
  /** ISO 4217 code of every amount in this record. */
  currency: string;
  /** Number of SaleRecorded events. Avro: long. */
  orders: number;
  /** Sum of SaleRecorded.item_count. Avro: long. */
  items: number;
  /** Sum of SaleRefunded.amount_minor. Avro: long. */
  refunds_minor: number;
  /** Sum of SaleVoided.total_minor over voids of paid sales. Avro: long. */
  voids_minor: number;
  /** Number of SaleRefunded events. Avro: long. */
  refund_count: number;
  /** Number of SaleVoided events, paid or not (only paid ones reduce gmv_minor). Avro: long. */
  void_count: number;
  /** PaymentCaptured plus PaymentFailed events. Avro: long. */
  payments_attempted: number;
  /** PaymentCaptured events. Avro: long. */
  payments_captured: number;
  /**
   * Captured amount in minor units (currency above) per PaymentMethod symbol, e.g. {"CASH": 120000,
   * "QR": 45000}. Avro: map<long>.
   */
  payments_by_method: Record<string, number>;
  /**
   * When this revision was computed (processing time), epoch milliseconds UTC. Avro: long
   * (timestamp-millis).
   */
  updated_at: number;
}

/**
 * Operational alert from the ingest processor: a store's store_seq has a gap (events missing on
 * retail.pos.events) that stayed open longer than the configured time, was closed later by the
 * missing events arriving, or was given up because the per-store dedup window overflowed. Topic
 * retail.ops.alerts, key store_id.
 *
 * Avro record `retail.ops.SequenceGapDetected` (SequenceGapDetected.avsc).
 */
export interface SequenceGapDetected {
  store_id: string;
  /**
   * OPEN (gap older than the configured time), CLOSED (the missing events arrived after an OPEN
   * alert) or GIVEN_UP (the dedup window overflowed; the missing sequence numbers are no longer
   * waited for and, should they arrive later, are counted as duplicates).
   */
  status: string;
  /** Lowest store_seq of the gap (inclusive). Avro: long. */
  first_missing_seq: number;
  /** Highest store_seq of the gap (inclusive). Avro: long. */
  last_missing_seq: number;
  /**
   * Highest store_seq the processor had seen for the store when the alert was raised. Avro: long.
   */
  highest_seen_seq: number;
  /**
   * When the processor first saw the gap (processing time), epoch milliseconds UTC. Avro: long
   * (timestamp-millis).
   */
  gap_opened_at: number;
  /** When this alert was raised, epoch milliseconds UTC. Avro: long (timestamp-millis). */
  reported_at: number;
  /** Service that raised the alert, e.g. "ingest-processor". */
  processor: string;
}

/**
 * Reference data: a product was created or changed (latest state). Compacted topic keyed by sku.
 *
 * Avro record `retail.ref.ProductUpserted` (ProductUpserted.avsc).
 */
export interface ProductUpserted {
  sku: string;
  /** GTIN/EAN as scanned at the till. */
  barcode: string;
  name: string;
  category: string;
  brand: string;
  /** List price per unit including tax, in minor units. Avro: long. */
  price_minor: number;
  /** ISO 4217 code of price_minor. */
  currency: string;
  /** Tax rate in basis points: 1000 = 10%. Avro: int. */
  tax_rate_bp: number;
  /**
   * Medicine data for the national pharmacy database; null for products that are not on the
   * national drug list. Avro: [null, retail.ref.DrugInfo], default null.
   */
  drug: DrugInfo | null;
  /**
   * When this version of the product record was written, epoch milliseconds UTC; newer wins. Avro:
   * long (timestamp-millis).
   */
  updated_at: number;
}

/**
 * Reference data: a store was created or changed (latest state). Compacted topic keyed by store_id.
 *
 * Avro record `retail.ref.StoreUpserted` (StoreUpserted.avsc).
 */
export interface StoreUpserted {
  store_id: string;
  name: string;
  region: string;
  /**
   * IANA time zone of the store, e.g. "Asia/Ho_Chi_Minh"; local business days (D1_LOCAL windows)
   * use it.
   */
  timezone: string;
  /** ISO 4217 code the store trades in. */
  currency: string;
  /**
   * The pharmacy's establishment code at the national pharmacy database (ma_co_so); null for a
   * store that is not a licensed pharmacy. Its sales, receipts and write-offs of medicines are
   * reported to the authority. Avro: [null, string], default null.
   */
  pharmacy_code: string | null;
  /**
   * When this version of the store record was written, epoch milliseconds UTC; newer wins. Avro:
   * long (timestamp-millis).
   */
  updated_at: number;
}

/** Every store event (topic retail.pos.events), discriminated by `event_type`. */
export type StoreEvent =
  | GoodsReceived
  | InventoryAdjusted
  | PaymentCaptured
  | PaymentFailed
  | SaleRecorded
  | SaleRefunded
  | SaleVoided;

export type StoreEventType = StoreEvent['event_type'];

export const STORE_EVENT_TYPES: readonly StoreEventType[] = [
  'GoodsReceived',
  'InventoryAdjusted',
  'PaymentCaptured',
  'PaymentFailed',
  'SaleRecorded',
  'SaleRefunded',
  'SaleVoided',
];

/**
 * Every record that travels as a Kafka value (store events, reference data, KPI output), by event
 * type.
 */
export interface EventTypeMap {
  GoodsReceived: GoodsReceived;
  InventoryAdjusted: InventoryAdjusted;
  PaymentCaptured: PaymentCaptured;
  PaymentFailed: PaymentFailed;
  SaleRecorded: SaleRecorded;
  SaleRefunded: SaleRefunded;
  SaleVoided: SaleVoided;
  ProductUpserted: ProductUpserted;
  SequenceGapDetected: SequenceGapDetected;
  StoreUpserted: StoreUpserted;
  KpiWindowUpdated: KpiWindowUpdated;
}

export type EventType = keyof EventTypeMap;

export const EVENT_TYPES: readonly EventType[] = [
  'GoodsReceived',
  'InventoryAdjusted',
  'PaymentCaptured',
  'PaymentFailed',
  'SaleRecorded',
  'SaleRefunded',
  'SaleVoided',
  'ProductUpserted',
  'SequenceGapDetected',
  'StoreUpserted',
  'KpiWindowUpdated',
];

/** Records outside the store event stream: reference data and KPI output. */
export type NonStoreRecord = ProductUpserted | SequenceGapDetected | StoreUpserted | KpiWindowUpdated;
