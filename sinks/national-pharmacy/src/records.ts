import { ValidationError, type Decoded } from '@retail-stream/runtime';
import { STORE_EVENT_TYPES, type StoreEvent } from '@retail-stream/schemas';
import { documentPlanOf, type DocumentPlan } from './mapping/document-plans.ts';

const STORE_TYPES = new Set<string>(STORE_EVENT_TYPES);

/**
 * A decoded record of the enriched topic → what it means for the authority (null: nothing).
 * Throws ValidationError (dead-lettered by the kit) when it is not a store event of the catalogue.
 */
export function documentPlanOfRecord(decoded: Decoded): DocumentPlan | null {
  const value = decoded.value as StoreEvent;
  const eventType = (value as { event_type?: unknown }).event_type;
  if (typeof eventType !== 'string' || !STORE_TYPES.has(eventType)) {
    throw new ValidationError(
      'NOT_A_STORE_EVENT',
      `schema ${decoded.type.name ?? '?'} is not a store event of the catalogue`,
    );
  }
  if (value.store_id.length === 0 || value.event_id.length === 0) {
    throw new ValidationError('BUSINESS_INVALID', 'empty store_id or event_id');
  }
  return documentPlanOf(value);
}
