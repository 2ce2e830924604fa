import type pg from 'pg';

export type RelayStatusValue = 'ONLINE' | 'OFFLINE';

/**
 * The heartbeat the POS screen reads (store edge GET /v1/sync/status): written by the instance that
 * holds the store's lease on every health tick, so a stale last_seen_at means "no relay running".
 */
export async function writeRelayStatus(
  db: pg.Pool,
  storeId: string,
  destination: string,
  status: RelayStatusValue,
  lastError: string | undefined,
): Promise<void> {
  await db.query(
    `INSERT INTO relay_status (store_id, destination, status, last_seen_at, last_error)
     VALUES ($1, $2, $3, now(), left($4, 2000))
     ON CONFLICT (store_id, destination) DO UPDATE
       SET status = EXCLUDED.status, last_seen_at = now(), last_error = EXCLUDED.last_error`,
    [storeId, destination, status, lastError ?? null],
  );
}
