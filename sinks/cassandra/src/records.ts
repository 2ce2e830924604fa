import { ValidationError, type Decoded } from '@retail-stream/runtime';
import { STORE_EVENT_TYPES, type StoreEvent } from '@retail-stream/schemas';
import type { KafkaMessage } from 'kafkajs';

const storeEventTypes = new Set<string>(STORE_EVENT_TYPES);

export interface Unprojectable {
  code:
    | 'NOT_A_STORE_EVENT'
    | 'INVALID_STORE_SEQ'
    | 'INVALID_STORE_ID'
    | 'KEY_MISMATCH'
    | 'INVALID_TRANSACTION_ID';
  message: string;
}

/**
 * Why a decoded record can never be projected (undefined: it can). The enriched topic was
 * validated by the ingest processor, so these guard against a wrong topic or a broken producer.
 */
export function unprojectable(value: unknown, key: string | undefined): Unprojectable | undefined {
  const e = value as Partial<StoreEvent> | null;
  if (!e || typeof e !== 'object' || typeof e.event_type !== 'string' || !storeEventTypes.has(e.event_type)) {
    return { code: 'NOT_A_STORE_EVENT', message: `record is not a store event (${String(e?.event_type)})` };
  }
  if (typeof e.store_seq !== 'number' || !Number.isSafeInteger(e.store_seq) || e.store_seq < 1) {
    return { code: 'INVALID_STORE_SEQ', message: `store_seq must be a positive integer, got ${e.store_seq}` };
  }
  if (!e.store_id) return { code: 'INVALID_STORE_ID', message: 'store_id is empty' };
  if (key !== undefined && key !== e.store_id) {
    return {
      code: 'KEY_MISMATCH',
      message: `record key "${key}" is not the event's store_id "${e.store_id}"`,
    };
  }
  if ('transaction_id' in e && !e.transaction_id) {
    return { code: 'INVALID_TRANSACTION_ID', message: 'transaction_id is empty' };
  }
  return undefined;
}

/** A decoded record → the store event to project, or ValidationError with why it never can be. */
export function storeEventOf(decoded: Decoded, message: KafkaMessage): StoreEvent {
  const why = unprojectable(decoded.value, message.key?.toString());
  if (why) throw new ValidationError(why.code, why.message);
  return decoded.value as StoreEvent;
}
