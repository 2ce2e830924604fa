import type pg from 'pg';
import type { OutboxRow } from './outbox-row.ts';

/**
 * store_seq, event_id, event_type, trace_id, traceparent, payload (jsonb, parsed by pg), and the
 * rows the count bound let through (page_rows, bigint): positional (rowMode array).
 */
type Raw = [string, string, string, string, string | null, unknown, string];

export interface ReadBounds {
  /** At most this many rows. */
  rows: number;
  /**
   * Rows are taken while the payloads before them hold fewer than this many bytes as Postgres
   * stores them (pg_column_size: jsonb, compressed once TOASTed), so one read never holds much more
   * than this plus one row whatever the events weigh; the first row is always taken.
   */
  bytes: number;
}

export interface UnpublishedPage {
  rows: OutboxRow[];
  /** A bound cut the read: more rows may be waiting (read again at once rather than idle). */
  full: boolean;
}

/**
 * The next unpublished rows of a store, oldest first, from the partial index outbox_unpublished
 * (so the cost does not grow with the published history), within `bounds`. `afterSeq` lets the
 * relay read ahead of a batch that is still being published.
 */
export async function readUnpublished(
  db: pg.ClientBase | pg.Pool,
  storeId: string,
  bounds: ReadBounds,
  afterSeq = 0,
): Promise<UnpublishedPage> {
  const { rows } = await db.query<Raw>({
    // Named: parsed and planned once per connection, not once per batch. Array rows: pg builds no
    // object per row (its row parsing was the largest single cost of the relay's profile).
    name: 'relay-read-unpublished-v4',
    rowMode: 'array',
    text: `SELECT store_seq, event_id, event_type, trace_id, traceparent, payload, page_rows
             FROM (SELECT page.*, count(*) OVER () AS page_rows,
                          sum(pg_column_size(payload)) OVER (ORDER BY store_seq ROWS UNBOUNDED PRECEDING)
                            - pg_column_size(payload) AS bytes_before
                     FROM (SELECT store_seq, event_id, event_type, trace_id, traceparent, payload
                             FROM outbox
                            WHERE store_id = $1 AND published_at IS NULL AND store_seq > $2
                            ORDER BY store_seq
                            LIMIT $3) page) sized
            WHERE bytes_before < $4
            ORDER BY store_seq`,
    values: [storeId, afterSeq, bounds.rows, bounds.bytes],
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
  const pageRows = rows.length > 0 ? Number(rows[0]![6]) : 0;
  return { rows: out, full: pageRows === bounds.rows || out.length < pageRows };
}
