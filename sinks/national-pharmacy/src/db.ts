import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareSchema, schemaPool, type Logger, type MigrateResult } from '@retail-stream/runtime';
import type pg from 'pg';
import type { SyncDatabaseConfig } from './config.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');
export const MIGRATION_OWNER = 'national-pharmacy-sync';

/** A pool whose sessions see the sync's own schema (documents, attempts, its migration ledger). */
export function syncPool(config: SyncDatabaseConfig, applicationName: string, max?: number): pg.Pool {
  const pool = schemaPool(config.PG_URL, config.NATIONAL_SYNC_PG_SCHEMA, {
    max: max ?? config.PG_POOL_MAX,
    connectionTimeoutMillis: config.PG_CONNECT_TIMEOUT_MS,
    applicationName,
  });
  // An idle client whose server went away emits 'error'; the next query gets a fresh connection.
  pool.on('error', () => undefined);
  return pool;
}

/** Creates the schema if needed and applies migrations/ (safe from several processes at once). */
export function prepareSyncDatabase(pool: pg.Pool, schema: string, logger?: Logger): Promise<MigrateResult> {
  return prepareSchema(pool, schema, { dir: MIGRATIONS_DIR, owner: MIGRATION_OWNER, logger });
}
