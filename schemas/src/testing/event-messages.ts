import type { AvroSerde } from '@retail-stream/runtime';
import { eventSchema, messageKey } from '../catalogue.ts';
import type { KpiWindowUpdated, StoreEvent } from '../generated/events.ts';

/** Registry id per event type, as `registerAll` returns them. */
export type SchemaIds = Readonly<Record<string, number>>;

/** A Kafka record as tests hand it to a kafkajs producer. */
export interface EventMessage {
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

/**
 * A store event as the processors write it (retail.pos.events, or retail.events.enriched with
 * `enrichment` set): key store_id, headers event_type/event_id/trace_id, value encoded with the
 * registry id of the catalogue's schema. No validation beyond the serde's, so tests can write
 * exactly the event they built.
 */
export function storeEventMessage(
  serde: Pick<AvroSerde, 'encodeWith'>,
  ids: SchemaIds,
  event: StoreEvent,
): EventMessage {
  return {
    key: event.store_id,
    value: encodeAs(serde, ids, event.event_type, event),
    headers: { event_type: event.event_type, event_id: event.event_id, trace_id: event.trace_id },
  };
}

/** A KPI upsert as the KPI processor writes it: key `scope|window_size|window_start`, no headers. */
export function kpiWindowMessage(
  serde: Pick<AvroSerde, 'encodeWith'>,
  ids: SchemaIds,
  window: KpiWindowUpdated,
): EventMessage {
  return {
    key: messageKey('KpiWindowUpdated', window as unknown as Record<string, unknown>),
    value: encodeAs(serde, ids, 'KpiWindowUpdated', window),
  };
}

/** Every SKU an event names (sale lines and stock changes), once each, in first-seen order. */
export function eventSkus(event: StoreEvent): string[] {
  const skus = new Set<string>();
  if ('lines' in event) for (const l of event.lines) skus.add(l.sku);
  if ('stock' in event) for (const s of event.stock) skus.add(s.sku);
  return [...skus];
}

function encodeAs(
  serde: Pick<AvroSerde, 'encodeWith'>,
  ids: SchemaIds,
  eventType: string,
  value: object,
): Buffer {
  const id = ids[eventType];
  if (id === undefined) throw new Error(`no registry id for ${eventType}: register the catalogue first`);
  return serde.encodeWith(id, eventSchema(eventType).type, value);
}
