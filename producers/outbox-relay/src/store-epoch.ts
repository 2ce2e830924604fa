import type pg from 'pg';

/**
 * The store database's epoch (store-edge migration 0005_store_epoch.sql): drawn once when the
 * database was created, new when it is rebuilt. Read once at start (it never changes for a
 * database) and sent on every record in the store.epoch header (runtime/src/store-epoch.ts).
 */
export async function readStoreEpoch(db: pg.Pool | pg.ClientBase): Promise<string> {
  const { rows } = await db.query<{ epoch_id: string }>('SELECT epoch_id::text AS epoch_id FROM store_epoch');
  const epoch = rows[0]?.epoch_id;
  // The migration inserts the row; its absence means the table was tampered with.
  if (!epoch) throw new Error('store_epoch has no row: the store database is not migrated');
  return epoch;
}
