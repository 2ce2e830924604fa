import type pg from 'pg';

export type SyncState = 'ONLINE' | 'OFFLINE' | 'UNKNOWN';

export async function outboxBacklog(
  db: pg.Pool,
  storeId: string,
): Promise<{ backlog: number; oldestAgeSeconds: number | null }> {
  const { rows } = await db.query<{ backlog: number; oldest_age_s: number | null }>(
    `SELECT count(*)::int AS backlog, extract(epoch FROM now() - min(created_at))::float8 AS oldest_age_s
       FROM outbox WHERE store_id = $1 AND published_at IS NULL`,
    [storeId],
  );
  return { backlog: rows[0]!.backlog, oldestAgeSeconds: rows[0]!.oldest_age_s };
}

/**
 * Is this store's data reaching HQ? The relay writes relay_status; a heartbeat older than
 * staleAfterSeconds means the relay itself is gone, which is OFFLINE whatever it last said.
 */
export async function syncStatus(db: pg.Pool, storeId: string, staleAfterSeconds: number) {
  const [{ backlog, oldestAgeSeconds }, relays, cursors, seq] = await Promise.all([
    outboxBacklog(db, storeId),
    db.query<{
      destination: string;
      status: 'ONLINE' | 'OFFLINE';
      last_seen_at: Date;
      last_error: string | null;
      age_s: number;
    }>(
      `SELECT destination, status, last_seen_at, last_error, extract(epoch FROM now() - last_seen_at)::float8 AS age_s
         FROM relay_status WHERE store_id = $1 ORDER BY destination`,
      [storeId],
    ),
    db.query<{ destination: string; last_published_seq: bigint; updated_at: Date }>(
      'SELECT destination, last_published_seq, updated_at FROM sync_cursors WHERE store_id = $1 ORDER BY destination',
      [storeId],
    ),
    db.query<{ last_seq: bigint }>('SELECT last_seq FROM store_sequence WHERE store_id = $1', [storeId]),
  ]);
  const destinations = relays.rows.map((r) => ({
    destination: r.destination,
    status: r.status === 'ONLINE' && r.age_s <= staleAfterSeconds ? 'ONLINE' : 'OFFLINE',
    last_seen_at: r.last_seen_at,
    last_error: r.last_error,
  }));
  const status: SyncState =
    destinations.length === 0
      ? 'UNKNOWN'
      : destinations.some((d) => d.status === 'ONLINE')
        ? 'ONLINE'
        : 'OFFLINE';
  return {
    store_id: storeId,
    status,
    backlog,
    oldest_unpublished_age_seconds:
      oldestAgeSeconds === null ? 0 : Math.round(oldestAgeSeconds * 1000) / 1000,
    last_store_seq: seq.rows[0]?.last_seq ?? 0n,
    destinations,
    cursors: cursors.rows,
  };
}
