import type pg from 'pg';
import { outboxBacklog } from '../db/outbox-backlog.ts';
import { lastStoreSeq, relayStatusRows, syncCursorRows } from '../db/sync-status-repo.ts';

export type SyncState = 'ONLINE' | 'OFFLINE' | 'UNKNOWN';

/**
 * Is this store's data reaching HQ? The relay writes relay_status; a heartbeat older than
 * staleAfterSeconds means the relay itself is gone, which is OFFLINE whatever it last said.
 */
export async function syncStatus(db: pg.Pool, storeId: string, staleAfterSeconds: number) {
  const [backlog, relays, cursors, lastSeq] = await Promise.all([
    outboxBacklog(db, storeId),
    relayStatusRows(db, storeId),
    syncCursorRows(db, storeId),
    lastStoreSeq(db, storeId),
  ]);
  const destinations = relays.map((r) => ({
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
    backlog: backlog.rows,
    oldest_unpublished_age_seconds: Math.round(backlog.oldestAgeSeconds * 1000) / 1000,
    last_store_seq: lastSeq,
    destinations,
    cursors,
  };
}
