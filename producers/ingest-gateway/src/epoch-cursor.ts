import {
  AppError,
  isStoreEpochId,
  LEGACY_STORE_EPOCH,
  STORE_EPOCH_HEADER,
  STORE_EPOCH_HTTP_HEADER,
} from '@retail-stream/runtime';
import type { PosEventRecord } from '@retail-stream/schemas';
import type pg from 'pg';

/**
 * The gateway's per-store cursor, kept per (store, epoch) (migration 0002): a store database
 * rebuilt from scratch publishes from store_seq 1 again under a new epoch, and must not be answered
 * "duplicate" against the old database's cursor (the relay would mark those events published: lost).
 * Whether HQ accepts the new epoch is ingest's decision (operator-started, docs/security.md); the
 * gateway only forwards it, with the epoch on every record.
 */

/**
 * Locks the cursor row of (store, epoch), creating it at 0 when new, and returns its last_seq. A
 * store on the legacy cursor (before epochs, or an older relay) whose relay now sends an epoch
 * continues it when the batch starts above it (the same database after the upgrade, as ingest
 * adopts it); a rebuilt database starts at 1, at or below it, and gets a cursor of its own.
 */
export async function lockEpochCursor(
  client: pg.ClientBase,
  storeId: string,
  epoch: string,
  firstSeq: number | undefined,
): Promise<number> {
  if (epoch !== LEGACY_STORE_EPOCH && firstSeq !== undefined) {
    await client.query(
      `UPDATE ingest_store_cursors SET epoch = $2, updated_at = now()
        WHERE store_id = $1 AND epoch = $3 AND last_seq < $4
          AND NOT EXISTS (SELECT 1 FROM ingest_store_cursors WHERE store_id = $1 AND epoch = $2)`,
      [storeId, epoch, LEGACY_STORE_EPOCH, firstSeq],
    );
  }
  await client.query(
    'INSERT INTO ingest_store_cursors (store_id, epoch) VALUES ($1, $2) ON CONFLICT (store_id, epoch) DO NOTHING',
    [storeId, epoch],
  );
  const { rows } = await client.query<{ last_seq: string }>(
    'SELECT last_seq FROM ingest_store_cursors WHERE store_id = $1 AND epoch = $2 FOR UPDATE',
    [storeId, epoch],
  );
  return Number(rows[0]!.last_seq);
}

export async function advanceEpochCursor(
  client: pg.ClientBase,
  storeId: string,
  epoch: string,
  lastSeq: number,
): Promise<void> {
  await client.query(
    'UPDATE ingest_store_cursors SET last_seq = $3, updated_at = now() WHERE store_id = $1 AND epoch = $2',
    [storeId, epoch, lastSeq],
  );
}

/** The (store, epoch) cursor, 0 when the gateway has seen nothing of it. */
export async function readEpochCursor(
  db: pg.Pool | pg.ClientBase,
  storeId: string,
  epoch: string,
): Promise<number> {
  const { rows } = await db.query<{ last_seq: string }>(
    'SELECT last_seq FROM ingest_store_cursors WHERE store_id = $1 AND epoch = $2',
    [storeId, epoch],
  );
  return rows[0] ? Number(rows[0].last_seq) : 0;
}

/** The records with the store's epoch header (before signing: the signature covers it); legacy sends none. */
export function withEpochHeader(records: PosEventRecord[], epoch: string): PosEventRecord[] {
  if (epoch === LEGACY_STORE_EPOCH) return records;
  return records.map((r) => ({ ...r, headers: { ...r.headers, [STORE_EPOCH_HEADER]: epoch } }));
}

/** The request's X-Store-Epoch (legacy when absent); anything but a UUID is refused 400. */
export function epochOfRequest(header: string | undefined): string {
  if (header === undefined || header === '') return LEGACY_STORE_EPOCH;
  const epoch = header.toLowerCase();
  if (!isStoreEpochId(epoch) || epoch === LEGACY_STORE_EPOCH) {
    throw new AppError('STORE_EPOCH_INVALID', `${STORE_EPOCH_HTTP_HEADER} is not an epoch id (a UUID)`, {
      field: STORE_EPOCH_HTTP_HEADER,
    });
  }
  return epoch;
}

/** store_seq of the batch's first event when it is a number (the shape check already ran). */
export function firstSeqOf(events: readonly unknown[]): number | undefined {
  const seq = (events[0] as { store_seq?: unknown } | undefined)?.store_seq;
  return typeof seq === 'number' ? seq : undefined;
}
