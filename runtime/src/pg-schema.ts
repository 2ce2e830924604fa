import pg from 'pg';
import type { Logger } from './logger.ts';
import { lockKeyFor, migrate, type MigrateResult } from './pg-migrations.ts';

/**
 * A Postgres schema name a part may own in the shared HQ database. Identifiers cannot be bind
 * parameters, so only names this pattern allows are ever quoted into SQL.
 */
export const PG_SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** duplicate_schema, and the unique-index race two concurrent CREATE SCHEMAs can hit instead. */
const ALREADY_EXISTS = new Set(['42P06', '23505']);

function checkSchemaName(schema: string): void {
  if (!PG_SCHEMA_NAME.test(schema)) throw new RangeError(`invalid schema name '${schema}'`);
}

export interface SchemaPoolOptions {
  max: number;
  connectionTimeoutMillis: number;
  applicationName: string;
  statementTimeoutMs?: number;
}

/**
 * A pool on the HQ database whose sessions see one part's schema first: its tables and its
 * migration ledger (`schema_migrations`) live there, so parts (and tests, with schemas of their
 * own) that migrate the same database with the same runner keep ledgers of their own.
 */
export function schemaPool(url: string, schema: string, opts: SchemaPoolOptions): pg.Pool {
  checkSchemaName(schema);
  const timeout = opts.statementTimeoutMs
    ? ` -c statement_timeout=${Math.floor(opts.statementTimeoutMs)}`
    : '';
  return new pg.Pool({
    connectionString: url,
    max: opts.max,
    connectionTimeoutMillis: opts.connectionTimeoutMillis,
    application_name: opts.applicationName,
    options: `-c search_path=${schema}${timeout}`,
  });
}

/**
 * Creates the schema if needed and applies `dir`'s migrations in it, under an advisory lock named
 * after the owner and schema: safe from several processes at once.
 */
export async function prepareSchema(
  pool: pg.Pool,
  schema: string,
  opts: { dir: string; owner: string; logger?: Logger },
): Promise<MigrateResult> {
  checkSchemaName(schema);
  try {
    // No bind parameters for identifiers; the pattern above makes the quoting safe.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    if (!ALREADY_EXISTS.has((err as { code?: string }).code ?? '')) throw err;
  }
  return migrate(pool, {
    dir: opts.dir,
    logger: opts.logger,
    lockKey: lockKeyFor(`${opts.owner}:${schema}`),
  });
}
