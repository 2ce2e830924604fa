import type { StoreEvent } from '@retail-stream/schemas';
import { defineTable, iso } from './define-table.ts';

/** stores: a store as seen through enrichment (reference data at ingest time) plus progress counters. */
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

/** Counters add up (each event is counted once: only inbox-new events reach here); maxima take the max. */
export const storesTable = defineTable<StoreRow>()({
  table: 'stores',
  columns: [
    ['store_id', 'text'],
    ['name', 'text'],
    ['region', 'text'],
    ['timezone', 'text'],
    ['currency', 'text'],
    ['last_event_at', 'timestamptz'],
    ['last_store_seq', 'bigint'],
    ['events_total', 'bigint'],
  ],
  tail: `ON CONFLICT (store_id) DO UPDATE SET
    name = CASE WHEN excluded.last_store_seq >= t.last_store_seq THEN COALESCE(excluded.name, t.name) ELSE COALESCE(t.name, excluded.name) END,
    region = CASE WHEN excluded.last_store_seq >= t.last_store_seq THEN COALESCE(excluded.region, t.region) ELSE COALESCE(t.region, excluded.region) END,
    timezone = CASE WHEN excluded.last_store_seq >= t.last_store_seq THEN COALESCE(excluded.timezone, t.timezone) ELSE COALESCE(t.timezone, excluded.timezone) END,
    currency = CASE WHEN excluded.last_store_seq >= t.last_store_seq THEN COALESCE(excluded.currency, t.currency) ELSE COALESCE(t.currency, excluded.currency) END,
    last_event_at = GREATEST(t.last_event_at, excluded.last_event_at),
    last_store_seq = GREATEST(t.last_store_seq, excluded.last_store_seq),
    events_total = t.events_total + excluded.events_total,
    last_received_at = now()`,
});

/**
 * One row per store of the batch. Reference columns come from the event with the highest store_seq
 * that had them: the batch's own merge mirrors the SQL one above.
 */
export function storeRows(events: readonly StoreEvent[]): StoreRow[] {
  const stores = new Map<string, StoreRow & { enrichmentSeq: number; currencySeq: number }>();
  for (const e of events) {
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
  }
  return [...stores.values()].map(({ enrichmentSeq: _e, currencySeq: _c, ...row }) => row);
}
