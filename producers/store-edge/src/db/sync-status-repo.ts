import type pg from 'pg';

export interface RelayStatusRow {
  destination: string;
  status: 'ONLINE' | 'OFFLINE';
  last_seen_at: Date;
  last_error: string | null;
  /** Seconds since the relay's last heartbeat. */
  age_s: number;
}

export interface SyncCursorRow {
  destination: string;
  last_published_seq: bigint;
  updated_at: Date;
}

/** What the relays last reported (relay_status), one row per destination. */
export async function relayStatusRows(db: pg.Pool, storeId: string): Promise<RelayStatusRow[]> {
  const { rows } = await db.query<RelayStatusRow>(
    `SELECT destination, status, last_seen_at, last_error, extract(epoch FROM now() - last_seen_at)::float8 AS age_s
       FROM relay_status WHERE store_id = $1 ORDER BY destination`,
    [storeId],
  );
  return rows;
}

/** How far each destination has been published (sync_cursors). */
export async function syncCursorRows(db: pg.Pool, storeId: string): Promise<SyncCursorRow[]> {
  const { rows } = await db.query<SyncCursorRow>(
    'SELECT destination, last_published_seq, updated_at FROM sync_cursors WHERE store_id = $1 ORDER BY destination',
    [storeId],
  );
  return rows;
}

/** The last store_seq handed out (0 before the first event). */
export async function lastStoreSeq(db: pg.Pool, storeId: string): Promise<bigint> {
  const { rows } = await db.query<{ last_seq: bigint }>(
    'SELECT last_seq FROM store_sequence WHERE store_id = $1',
    [storeId],
  );
  return rows[0]?.last_seq ?? 0n;
}
