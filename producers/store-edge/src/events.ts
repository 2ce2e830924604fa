import type {
  AdjustmentReason,
  EventTypeMap,
  PaymentMethod as SchemaPaymentMethod,
  StoreEventType,
} from '@retail-stream/schemas';
import type { PaymentMethod } from './payment-state.ts';

/*
 * Event payloads are the Avro records' generated types (schemas/src/generated/events.ts): the
 * outbox payload is the complete record with the schema's field names, which the relay encodes
 * as-is. Nothing here redeclares a field.
 */
export type {
  AdjustmentReason,
  ReceiptLine,
  RefundLine,
  SaleLine,
  StockChange,
  StoreEvent,
  StoreEventType,
} from '@retail-stream/schemas';

/** The envelope every store event carries; the outbox writer fills it in. */
export type EnvelopeField =
  | 'event_id'
  | 'event_type'
  | 'store_id'
  | 'terminal_id'
  | 'cashier_id'
  | 'store_seq'
  | 'occurred_at'
  | 'trace_id';

/** Set by the ingest processor at HQ; a store always writes null. */
type HqField = 'enrichment';

export type EventFields = { [K in StoreEventType]: Omit<EventTypeMap[K], EnvelopeField | HqField> };

/** What a use case hands the outbox writer: who acted, and the type's own fields. */
export type EventDraft = {
  [K in StoreEventType]: {
    event_type: K;
    terminal_id: string | null;
    cashier_id: string | null;
    fields: EventFields[K];
  };
}[StoreEventType];

// The payments table's CHECK and the API accept exactly the schema's payment methods.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const PAYMENT_METHODS_MATCH_SCHEMA: Same<PaymentMethod, SchemaPaymentMethod> = true;
export const ADJUSTMENT_REASONS_MATCH_SCHEMA: Same<
  AdjustmentReason,
  'COUNT' | 'DAMAGE' | 'THEFT' | 'CORRECTION' | 'EXPIRY' | 'DESTRUCTION'
> = true;
