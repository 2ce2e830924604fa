import type pg from 'pg';

/**
 * Deletes published rows older than maxAgeS, `batch` rows per statement so each transaction stays
 * short (the POS keeps writing to the same table) and a stop request is honoured between batches.
 * Unpublished rows are never touched, whatever their age. Walking store_seq from the bottom finds
 * old rows first because rows are published in store_seq order. Returns how many were deleted.
 */
export async function deletePublishedBefore(
  db: pg.Pool,
  storeId: string,
  opts: { maxAgeS: number; batch: number; signal?: AbortSignal },
): Promise<number> {
  let total = 0;
  for (;;) {
    if (opts.signal?.aborted) return total;
    const { rowCount } = await db.query(
      `DELETE FROM outbox
        WHERE store_id = $1 AND store_seq IN (
          SELECT store_seq FROM outbox
           WHERE store_id = $1 AND published_at < now() - make_interval(secs => $2)
           ORDER BY store_seq
           LIMIT $3)`,
      [storeId, opts.maxAgeS, opts.batch],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < opts.batch) return total;
  }
}
