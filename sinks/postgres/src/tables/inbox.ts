import type { StoreEvent } from '@retail-stream/schemas';
import { defineTable, iso } from './define-table.ts';

/** A decoded store event and where it was read from. */
export interface SourcedEvent {
  event: StoreEvent;
  partition: number;
  offset: string;
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
  ],
  tail: 'ON CONFLICT (event_id) DO NOTHING RETURNING event_id',
});

export function inboxRow({ event, partition, offset }: SourcedEvent): InboxRow {
  return {
    event_id: event.event_id,
    store_id: event.store_id,
    store_seq: event.store_seq,
    event_type: event.event_type,
    occurred_at: iso(event.occurred_at),
    source_partition: partition,
    source_offset: offset,
  };
}

/** Drops repeated event ids within one batch (the first copy wins; copies are identical). */
export function uniqueEvents(events: SourcedEvent[]): SourcedEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.event.event_id) && seen.add(e.event.event_id) !== undefined);
}
