import { AppError } from '@retail-stream/runtime';
import type pg from 'pg';
import type { SourcedEvent } from './tables/inbox.ts';

/**
 * hq_inbox is keyed by event_id alone, so an event id is a claim on one store's event. A store
 * sending an event whose id is already recorded for another store (a replay of another store's
 * record, or a forgery) must not be taken for a harmless redelivery: it is refused with
 * CROSS_STORE_EVENT_ID, which the sink kit isolates and dead-letters (counted by code in
 * retail_sink_dead_letters_total). The HQ tables themselves are all keyed by (store_id, ...), so
 * a refused event could not have touched another store's rows anyway; what this protects is the
 * ledger and the visibility of the attempt.
 */
export class CrossStoreEventError extends AppError<'CROSS_STORE_EVENT_ID'> {
  constructor(eventId: string, sender: string, owner: string) {
    super(
      'CROSS_STORE_EVENT_ID',
      `event ${eventId} from store ${sender} is already recorded for store ${owner}`,
      { retriable: false },
    );
  }
}

/** Refuses a batch holding one event id for two stores (the first store in offset order owns it). */
export function refuseCrossStoreCopies(events: readonly SourcedEvent[]): void {
  const owners = new Map<string, string>();
  for (const { event } of events) {
    const owner = owners.get(event.event_id);
    if (owner === undefined) owners.set(event.event_id, event.store_id);
    else if (owner !== event.store_id) throw new CrossStoreEventError(event.event_id, event.store_id, owner);
  }
}

/**
 * After the inbox insert: events it did not insert are either redeliveries (same store: skipped as
 * before) or another store's id (refused). One indexed read, only when the batch had such events.
 */
export async function refuseCrossStoreIds(
  client: pg.ClientBase,
  notInserted: readonly SourcedEvent[],
): Promise<void> {
  if (notInserted.length === 0) return;
  const { rows } = await client.query<{ event_id: string; store_id: string }>({
    text: 'SELECT event_id, store_id FROM hq_inbox WHERE event_id = ANY($1::text[])',
    values: [notInserted.map((e) => e.event.event_id)],
  });
  const owner = new Map(rows.map((r) => [r.event_id, r.store_id]));
  for (const { event } of notInserted) {
    const recorded = owner.get(event.event_id);
    if (recorded !== undefined && recorded !== event.store_id) {
      throw new CrossStoreEventError(event.event_id, event.store_id, recorded);
    }
  }
}
