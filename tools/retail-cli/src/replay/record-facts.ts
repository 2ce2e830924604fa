import type { KafkaMessage } from 'kafkajs';

/** What a replay filters and counts by, read from the key and headers only (never the value). */
export interface RecordFacts {
  store: string;
  eventType: string;
}

/** KPI windows carry no event_type header: their type is their record name. */
export const KPI_EVENT_TYPE = 'KpiWindowUpdated';
/** The store of a record without one (chain-wide KPI windows, keyless records). */
export const NO_STORE = '(chain)';

/**
 * The store and event type of a record without decoding its value: store events are keyed by
 * `store_id` with an `event_type` header (schemas/src/pos-event-record.ts, kept by ingest on the
 * enriched topic); KPI windows are keyed `store:<id>|<size>|<start>` or `chain|…`.
 */
export function recordFacts(message: Pick<KafkaMessage, 'key' | 'headers'>): RecordFacts {
  const key = message.key ? message.key.toString('utf8') : '';
  const header = message.headers?.event_type;
  const eventType = header === undefined ? undefined : Array.isArray(header) ? header[0] : header;
  const bar = key.indexOf('|');
  if (bar >= 0) {
    const scope = key.slice(0, bar);
    return {
      store: scope.startsWith('store:') ? scope.slice('store:'.length) : NO_STORE,
      eventType: eventType?.toString() ?? KPI_EVENT_TYPE,
    };
  }
  return { store: key || NO_STORE, eventType: eventType?.toString() ?? '(none)' };
}

export interface RecordFilter {
  stores: ReadonlySet<string>;
  eventTypes: ReadonlySet<string>;
}

/** True when the record passes `--store` and `--event-type` (an empty set lets everything through). */
export function passes(filter: RecordFilter, facts: RecordFacts): boolean {
  return (
    (filter.stores.size === 0 || filter.stores.has(facts.store)) &&
    (filter.eventTypes.size === 0 || filter.eventTypes.has(facts.eventType))
  );
}
