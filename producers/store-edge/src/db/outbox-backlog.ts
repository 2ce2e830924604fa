import type pg from 'pg';

export interface OutboxBacklog {
  /** Outbox rows not yet published. */
  rows: number;
  /** Age of the row the store is waiting on (the first unpublished one by store_seq); 0 when none. */
  oldestAgeSeconds: number;
}

/**
 * The store's publishing backlog, read by the store edge (gauge, /v1/sync/status) and the relay
 * (health loop). Both from the partial index of unpublished rows, so cheap however long the history is.
 */
export async function outboxBacklog(db: pg.Pool | pg.ClientBase, storeId: string): Promise<OutboxBacklog> {
  const { rows } = await db.query<{ backlog: number; oldest_age_s: number | null }>(
    `SELECT (SELECT count(*)::int FROM outbox WHERE store_id = $1 AND published_at IS NULL) AS backlog,
            (SELECT extract(epoch FROM now() - created_at)::float8 FROM outbox
              WHERE store_id = $1 AND published_at IS NULL ORDER BY store_seq LIMIT 1) AS oldest_age_s`,
    [storeId],
  );
  return { rows: rows[0]?.backlog ?? 0, oldestAgeSeconds: Math.max(0, rows[0]?.oldest_age_s ?? 0) };
}
