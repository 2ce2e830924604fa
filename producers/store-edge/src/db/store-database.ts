import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureDatabase, migrate, type Logger, type MigrateResult } from '@retail-stream/runtime';
import { STORE_ID } from '@retail-stream/schemas';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

const INT8_OID = 20;

export function storeDatabaseName(storeId: string): string {
  if (!STORE_ID.test(storeId)) throw new RangeError(`invalid store id '${storeId}'`);
  return `store_${storeId}`;
}

/** The admin URL with its database swapped for the store's (same server, role and options). */
export function storeDatabaseUrl(adminUrl: string, storeId: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${storeDatabaseName(storeId)}`;
  return url.toString();
}

/**
 * int8 columns come back as bigint (money, sequences, counts) instead of pg's default string,
 * for this pool only: other pools in the same process keep their own parsing.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (v: string) => BigInt(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export function createStorePool(url: string, max: number): pg.Pool {
  return new pg.Pool({ connectionString: url, max, types, application_name: 'store-edge' });
}

/** Creates the store's database if needed and brings its schema up to date. */
export async function prepareStoreDatabase(
  adminUrl: string,
  storeId: string,
  logger?: Logger,
): Promise<MigrateResult> {
  const created = await ensureDatabase(adminUrl, storeDatabaseName(storeId));
  if (created) logger?.info({ store_id: storeId }, 'store database created');
  return migrateStoreDatabase(storeDatabaseUrl(adminUrl, storeId), logger);
}

/**
 * Brings an existing store database's schema up to date (migrations/, including the relay's own
 * tables). The store edge and the outbox relay both run it at start, so whichever starts first
 * migrates and the other finds nothing to do (the runner serialises them on an advisory lock).
 */
export function migrateStoreDatabase(db: string | pg.Pool, logger?: Logger): Promise<MigrateResult> {
  return migrate(db, { dir: MIGRATIONS_DIR, logger });
}

/** Readiness: the store database answers a trivial query. */
export async function databaseAnswers(pool: pg.Pool): Promise<boolean> {
  return (await pool.query('SELECT 1')).rowCount === 1;
}
