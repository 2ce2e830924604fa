import type pg from 'pg';

/**
 * Marks store_seq fromSeq..toSeq published and moves the destination's cursor, in one statement
 * (one transaction): the POS screen never sees a cursor ahead of the rows. Called only after the
 * destination acknowledged exactly these rows. `published_at IS NULL` keeps it idempotent.
 */
export async function markPublished(
  db: pg.ClientBase | pg.Pool,
  storeId: string,
  destination: string,
  fromSeq: number,
  toSeq: number,
): Promise<number> {
  const { rows } = await db.query<{ marked: number }>({
    name: 'relay-mark-published',
    text: `WITH marked AS (
             UPDATE outbox SET published_at = now(), last_error = NULL, next_attempt_at = NULL
              WHERE store_id = $1 AND store_seq BETWEEN $3 AND $4 AND published_at IS NULL
             RETURNING 1
           ), cursor AS (
             INSERT INTO sync_cursors (store_id, destination, last_published_seq, updated_at)
             VALUES ($1, $2, $4, now())
             ON CONFLICT (store_id, destination) DO UPDATE
               SET last_published_seq = GREATEST(sync_cursors.last_published_seq, EXCLUDED.last_published_seq),
                   updated_at = now()
           )
           SELECT count(*)::int AS marked FROM marked`,
    values: [storeId, destination, fromSeq, toSeq],
  });
  return rows[0]?.marked ?? 0;
}

/**
 * Records a failed attempt on the row that blocks the store (the first unacknowledged one), not on
 * the whole batch: during a long outage that is one small UPDATE per retry instead of thousands.
 * next_attempt_at tells the POS screen and operators when the relay will try again.
 */
export async function recordFailure(
  db: pg.ClientBase | pg.Pool,
  storeId: string,
  storeSeq: number,
  error: string,
  retryInMs: number,
): Promise<void> {
  await db.query(
    `UPDATE outbox
        SET publish_attempts = publish_attempts + 1, last_error = left($3, 2000),
            next_attempt_at = now() + make_interval(secs => $4)
      WHERE store_id = $1 AND store_seq = $2 AND published_at IS NULL`,
    [storeId, storeSeq, error, retryInMs / 1000],
  );
}
