import { ValidationError, type Decoded } from '@retail-stream/runtime';
import { STORE_EVENT_TYPES, type KpiWindowUpdated, type StoreEvent } from '@retail-stream/schemas';

const STORE_TYPES = new Set<string>(STORE_EVENT_TYPES);
const KPI_TYPE = 'retail.kpi.KpiWindowUpdated';

/**
 * A decoded record of the enriched topic → the store event it holds. Throws ValidationError (the
 * kit dead-letters the record with its code) when it is not a store event of the catalogue or
 * lacks what the inbox keys on.
 */
export function storeEventOf(decoded: Decoded): StoreEvent {
  const value = decoded.value as StoreEvent;
  const eventType = (value as { event_type?: unknown }).event_type;
  if (
    typeof eventType !== 'string' ||
    !STORE_TYPES.has(eventType) ||
    !decoded.type.name?.endsWith(`.${eventType}`)
  ) {
    throw new ValidationError(
      'NOT_A_STORE_EVENT',
      `schema ${decoded.type.name ?? '?'} is not a store event of the catalogue`,
    );
  }
  if (value.store_id.length === 0 || value.event_id.length === 0 || value.store_seq < 1) {
    throw new ValidationError('BUSINESS_INVALID', 'empty store_id/event_id or store_seq < 1');
  }
  return value;
}

/** A decoded record of the KPI topic → the KPI window it holds, or ValidationError NOT_A_KPI_WINDOW. */
export function kpiWindowOf(decoded: Decoded): KpiWindowUpdated {
  if (decoded.type.name !== KPI_TYPE) {
    throw new ValidationError('NOT_A_KPI_WINDOW', `schema ${decoded.type.name ?? '?'} is not ${KPI_TYPE}`);
  }
  return decoded.value as KpiWindowUpdated;
}
