import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lockKeyFor, migrate, type Logger, type MigrateResult } from '@retail-stream/runtime';
import pg from 'pg';
import { PG_SCHEMA } from './config.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

/** duplicate_schema, and the unique-index race two concurrent CREATE SCHEMAs can hit instead. */
const ALREADY_EXISTS = new Set(['42P06', '23505']);

export interface PoolOptions {
  max?: number;
  connectionTimeoutMillis?: number;
  applicationName?: string;
}

/**
 * A pool on the HQ database whose sessions see the gateway's schema first. The gateway's tables
 * and its migration ledger (`schema_migrations`) live in that schema, so other HQ services that
 * migrate the same database with the same runner keep ledgers of their own.
 */
export function gatewayPool(url: string, schema: string, opts: PoolOptions = {}): pg.Pool {
  if (!PG_SCHEMA.test(schema)) throw new RangeError(`invalid schema name '${schema}'`);
  return new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 0,
    application_name: opts.applicationName ?? 'ingest-gateway',
    options: `-c search_path=${schema}`,
  });
}

/** Creates the schema if needed and applies migrations/ (safe from several processes at once). */
export async function prepareDatabase(
  pool: pg.Pool,
  schema: string,
  logger?: Logger,
): Promise<MigrateResult> {
  if (!PG_SCHEMA.test(schema)) throw new RangeError(`invalid schema name '${schema}'`);
  try {
    // No bind parameters for identifiers; the pattern above makes the quoting safe.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    if (!ALREADY_EXISTS.has((err as { code?: string }).code ?? '')) throw err;
  }
  return migrate(pool, { dir: MIGRATIONS_DIR, logger, lockKey: lockKeyFor(`ingest-gateway:${schema}`) });
}
