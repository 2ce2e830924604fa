import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareSchema, schemaPool, type Logger, type MigrateResult } from '@retail-stream/runtime';
import type pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

export interface PoolOptions {
  max?: number;
  connectionTimeoutMillis?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
}

/**
 * A pool on the HQ database whose sessions see the sink's schema first (the runtime's
 * schemaPool): its tables and its migration ledger live there, so tests use a schema of their own
 * and other HQ services keep ledgers of their own.
 */
export function hqPool(url: string, schema: string, opts: PoolOptions = {}): pg.Pool {
  const pool = schemaPool(url, schema, {
    max: opts.max ?? 6,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 5_000,
    applicationName: opts.applicationName ?? 'postgres-sink',
    statementTimeoutMs: opts.statementTimeoutMs,
  });
  // An idle client whose server went away emits 'error'; unhandled, it would crash the process.
  // The next query on the pool gets a fresh connection (or fails, and that failure is retried).
  pool.on('error', () => undefined);
  return pool;
}

/** Creates the schema if needed and applies migrations/ (safe from several processes at once). */
export function prepareDatabase(pool: pg.Pool, schema: string, logger?: Logger): Promise<MigrateResult> {
  return prepareSchema(pool, schema, { dir: MIGRATIONS_DIR, owner: 'postgres-sink', logger });
}
