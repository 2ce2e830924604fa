import type pg from 'pg';
import type { OutboxRow } from './outbox-row.ts';

/** store_seq, event_id, event_type, trace_id, traceparent, payload (jsonb, parsed by pg): positional (rowMode array). */
type Raw = [string, string, string, string, string | null, unknown];

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
    // Named: parsed and planned once per connection, not once per batch. Array rows: pg builds no
    // object per row (its row parsing was the largest single cost of the relay's profile).
    name: 'relay-read-unpublished-v3',
    rowMode: 'array',
    text: `SELECT store_seq, event_id, event_type, trace_id, traceparent, payload
             FROM outbox
            WHERE store_id = $1 AND published_at IS NULL AND store_seq > $2
            ORDER BY store_seq
            LIMIT $3`,
    values: [storeId, afterSeq, limit],
  });
  const out = new Array<OutboxRow>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    // store_seq is bigint; Avro long and the generated types use number (exact up to 2^53).
    out[i] = {
      storeSeq: Number(r[0]),
      eventId: r[1],
      eventType: r[2],
      traceId: r[3],
      traceparent: r[4],
      payload: r[5],
    };
  }
  return out;
}
