import type { ClientBase } from 'pg';
import { currentTraceId, newTraceId } from '@retail-stream/runtime';
import type { EventDraft, StoreEvent } from './events.ts';
import { toSafeNumber } from './http/json.ts';
import { reserveStoreSeqs } from './store-sequence.ts';
import { uuidv7 } from './uuid-v7.ts';

export const OUTBOX_CHANNEL = 'outbox_new';

/**
 * Appends a transaction's events to the outbox, inside the caller's database transaction, as its
 * final step (see reserveStoreSeqs). One transaction's events get consecutive sequence numbers.
 * The NOTIFY is delivered only on commit, and Postgres delivers notifications in commit order,
 * so the relay (and the ordering test) can trust the payload's range.
 */
export async function appendEvents(
  client: ClientBase,
  storeId: string,
  drafts: readonly EventDraft[],
  now: Date = new Date(),
): Promise<StoreEvent[]> {
  if (drafts.length === 0) return [];
  const first = await reserveStoreSeqs(client, storeId, drafts.length);
  const traceId = currentTraceId() ?? newTraceId();
  const events = drafts.map(
    (d, i) =>
      ({
        event_id: uuidv7(now.getTime()),
        event_type: d.event_type,
        store_id: storeId,
        terminal_id: d.terminal_id,
        cashier_id: d.cashier_id,
        store_seq: toSafeNumber(first + BigInt(i)),
        occurred_at: now.getTime(),
        trace_id: traceId,
        ...d.fields,
      }) as StoreEvent,
  );
  await client.query(
    `INSERT INTO outbox (store_id, store_seq, event_id, event_type, occurred_at, trace_id, payload)
     SELECT $1, e.store_seq, e.event_id, e.event_type, $2, $3, e.payload
       FROM jsonb_to_recordset($4::jsonb) AS e(store_seq bigint, event_id uuid, event_type text, payload jsonb)`,
    [
      storeId,
      now,
      traceId,
      JSON.stringify(
        events.map((e) => ({
          store_seq: e.store_seq,
          event_id: e.event_id,
          event_type: e.event_type,
          payload: e,
        })),
      ),
    ],
  );
  const last = events[events.length - 1]!.store_seq;
  await client.query('SELECT pg_notify($1, $2)', [
    OUTBOX_CHANNEL,
    JSON.stringify({ store_id: storeId, from_seq: events[0]!.store_seq, to_seq: last }),
  ]);
  return events;
}
