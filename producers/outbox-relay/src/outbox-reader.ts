import type pg from 'pg';
import type { OutboxRow } from './outbox-row.ts';

interface Raw {
  store_seq: string;
  event_id: string;
  event_type: string;
  trace_id: string;
  traceparent: string | null;
  payload: unknown;
  publish_attempts: number;
}

/**
 * The next unpublished rows of a store, oldest first, from the partial index outbox_unpublished
 * (so the cost does not grow with the published history). `afterSeq` lets the relay read ahead
 * of a batch that is still being published.
 */
export async function readUnpublished(
  db: pg.ClientBase | pg.Pool,
  storeId: string,
  limit: number,
  afterSeq = 0,
): Promise<OutboxRow[]> {
  const { rows } = await db.query<Raw>({
    // Named: parsed and planned once per connection, not once per batch.
    name: 'relay-read-unpublished',
    text: `SELECT store_seq, event_id, event_type, trace_id, traceparent, payload, publish_attempts
             FROM outbox
            WHERE store_id = $1 AND published_at IS NULL AND store_seq > $2
            ORDER BY store_seq
            LIMIT $3`,
    values: [storeId, afterSeq, limit],
  });
  return rows.map((r) => ({
    // store_seq is bigint; Avro long and the generated types use number (exact up to 2^53).
    storeSeq: Number(r.store_seq),
    eventId: r.event_id,
    eventType: r.event_type,
    traceId: r.trace_id,
    traceparent: r.traceparent,
    payload: r.payload,
    publishAttempts: r.publish_attempts,
  }));
}
