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
  statementTimeoutMs?: number;
  applicationName?: string;
}

function checkSchema(schema: string): void {
  if (!PG_SCHEMA.test(schema)) throw new RangeError(`invalid schema name '${schema}'`);
}

/**
 * A pool on the HQ database whose sessions see the sink's schema first: its tables and its
 * migration ledger live there, so tests use a schema of their own and other HQ services keep
 * ledgers of their own.
 */
export function hqPool(url: string, schema: string, opts: PoolOptions = {}): pg.Pool {
  checkSchema(schema);
  const timeout = opts.statementTimeoutMs
    ? ` -c statement_timeout=${Math.floor(opts.statementTimeoutMs)}`
    : '';
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 6,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 5_000,
    application_name: opts.applicationName ?? 'postgres-sink',
    options: `-c search_path=${schema}${timeout}`,
  });
  // An idle client whose server went away emits 'error'; unhandled, it would crash the process.
  // The next query on the pool gets a fresh connection (or fails, and that failure is retried).
  pool.on('error', () => undefined);
  return pool;
}

/** Creates the schema if needed and applies migrations/ (safe from several processes at once). */
export async function prepareDatabase(
  pool: pg.Pool,
  schema: string,
  logger?: Logger,
): Promise<MigrateResult> {
  checkSchema(schema);
  try {
    // No bind parameters for identifiers; the pattern above makes the quoting safe.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    if (!ALREADY_EXISTS.has((err as { code?: string }).code ?? '')) throw err;
  }
  return migrate(pool, { dir: MIGRATIONS_DIR, logger, lockKey: lockKeyFor(`postgres-sink:${schema}`) });
}
