import type { RawSource } from '@retail-stream/runtime';
import type { StoreEvent } from '@retail-stream/schemas';
import { defineTable, iso } from './define-table.ts';

/** Where the raw record of an enriched event was: the runtime's rawSourceOf (trace-headers.ts) reads it. */
export type { RawSource };

/** A decoded store event and where it was read from. */
export interface SourcedEvent {
  event: StoreEvent;
  partition: number;
  offset: string;
  /** The enriched record's broker timestamp (epoch ms), when known. */
  timestamp?: number;
  /** The raw record it came from, when the enriched record names it. */
  raw?: RawSource;
  /** The store database's epoch (store.epoch header, runtime/src/store-epoch.ts); legacy when absent. */
  epoch?: string;
}

/** hq_inbox: one row per store event ever applied, the idempotency ledger. */
export interface InboxRow {
  event_id: string;
  store_id: string;
  store_seq: number;
  event_type: string;
  occurred_at: string;
  source_partition: number;
  source_offset: string;
  raw_partition: number | null;
  raw_offset: string | null;
  raw_at: string | null;
  enriched_at: string | null;
}

export const inboxTable = defineTable<InboxRow>()({
  table: 'hq_inbox',
  columns: [
    ['event_id', 'text'],
    ['store_id', 'text'],
    ['store_seq', 'bigint'],
    ['event_type', 'text'],
    ['occurred_at', 'timestamptz'],
    ['source_partition', 'integer'],
    ['source_offset', 'bigint'],
    ['raw_partition', 'integer'],
    ['raw_offset', 'bigint'],
    ['raw_at', 'timestamptz'],
    ['enriched_at', 'timestamptz'],
  ],
  tail: 'ON CONFLICT (event_id) DO NOTHING RETURNING event_id',
});

export function inboxRow({ event, partition, offset, timestamp, raw }: SourcedEvent): InboxRow {
  return {
    event_id: event.event_id,
    store_id: event.store_id,
    store_seq: event.store_seq,
    event_type: event.event_type,
    occurred_at: iso(event.occurred_at),
    source_partition: partition,
    source_offset: offset,
    raw_partition: raw?.partition ?? null,
    raw_offset: raw?.offset ?? null,
    raw_at: raw?.timestamp == null ? null : iso(raw.timestamp),
    enriched_at: timestamp === undefined ? null : iso(timestamp),
  };
}

/** Drops repeated event ids within one batch (the first copy wins; copies are identical). */
export function uniqueEvents(events: SourcedEvent[]): SourcedEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.event.event_id) && seen.add(e.event.event_id) !== undefined);
}
