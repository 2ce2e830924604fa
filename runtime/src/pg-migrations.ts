import crypto from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { AppError } from './errors.ts';
import type { Logger } from './logger.ts';

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  /** sha256 hex of the file with line endings normalised, so a CRLF checkout is not "changed". */
  checksum: string;
}

export interface MigrateOptions {
  /** Folder holding `NNNN_name.sql` files. */
  dir: string;
  logger?: Logger;
  /**
   * Advisory lock key. Advisory locks are per database, so one constant key serialises every
   * starter of the same database without blocking other databases on the same server.
   */
  lockKey?: bigint;
}

export interface MigrateResult {
  applied: Migration[];
  alreadyApplied: number;
}

const FILE_NAME = /^(\d{4})_([a-z0-9][a-z0-9_-]*)\.sql$/;
const DEFAULT_LOCK_KEY = lockKeyFor('retail-stream:schema_migrations');

/** A stable signed 64-bit key from a name, so unrelated tools pick different keys by picking different names. */
export function lockKeyFor(name: string): bigint {
  return crypto.createHash('sha256').update(name).digest().readBigInt64BE(0);
}

export function migrationChecksum(sql: string): string {
  return crypto.createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/** Parses a file name into version and name; undefined for files the runner must ignore (README, etc.). */
export function parseMigrationFileName(file: string): { version: number; name: string } | undefined {
  const m = FILE_NAME.exec(file);
  if (!m) return undefined;
  return { version: Number(m[1]), name: m[2]! };
}

/** Reads and orders the migrations of a folder; two files with one version is an error, not a coin toss. */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  const seen = new Map<number, string>();
  for (const file of files) {
    const parsed = parseMigrationFileName(file);
    if (!parsed) {
      throw new AppError('MIGRATION_BAD_FILE_NAME', `${file}: migration files must be named NNNN_name.sql`);
    }
    if (parsed.version === 0)
      throw new AppError('MIGRATION_BAD_FILE_NAME', `${file}: versions start at 0001`);
    const clash = seen.get(parsed.version);
    if (clash)
      throw new AppError(
        'MIGRATION_DUPLICATE_VERSION',
        `${file} and ${clash} share version ${parsed.version}`,
      );
    seen.set(parsed.version, file);
    const sql = await readFile(path.join(dir, file), 'utf8');
    migrations.push({ ...parsed, file, sql, checksum: migrationChecksum(sql) });
  }
  return migrations;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Brings a database up to the migrations in `dir`. Safe to run from several processes at once
 * (they queue on an advisory lock, and the later ones find nothing to do). Each file runs in its
 * own transaction together with its ledger row, so a failing file leaves the earlier ones applied
 * and itself not at all. Editing a file that was already applied is refused: the database would
 * no longer match what the code says it is.
 *
 * `db` is a connection string or a pool; one connection is held for the whole run because the
 * advisory lock belongs to the session.
 */
export async function migrate(db: string | pg.Pool, opts: MigrateOptions): Promise<MigrateResult> {
  const migrations = await loadMigrations(opts.dir);
  const lockKey = opts.lockKey ?? DEFAULT_LOCK_KEY;
  const { client, release } = await connect(db);
  let unlocked = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey.toString()]);
    try {
      // Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can still collide on pg_type.
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text        NOT NULL,
        checksum   text        NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<AppliedRow>(
        'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
      );
      const pending = planPending(migrations, rows);
      for (const m of pending) {
        const started = Date.now();
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            m.checksum,
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new AppError('MIGRATION_FAILED', `migration ${m.file} failed: ${(err as Error).message}`, {
            cause: err,
          });
        }
        opts.logger?.info({ migration: m.file, ms: Date.now() - started }, 'migration applied');
      }
      return { applied: pending, alreadyApplied: rows.length };
    } finally {
      unlocked = await client.query('SELECT pg_advisory_unlock($1)', [lockKey.toString()]).then(
        () => true,
        () => false,
      );
    }
  } finally {
    // A pooled session that may still hold the lock must not go back to the pool.
    await release(!unlocked);
  }
}

/**
 * Which migrations still need to run, after checking the ledger against the files. Pure, so the
 * rules are unit-tested without a database.
 */
export function planPending(migrations: Migration[], applied: AppliedRow[]): Migration[] {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const m = byVersion.get(row.version);
    if (!m) {
      throw new AppError(
        'MIGRATION_UNKNOWN_APPLIED',
        `database has migration ${row.version} (${row.name}) that this code does not know: it was migrated by a newer version`,
      );
    }
    if (m.checksum !== row.checksum) {
      throw new AppError(
        'MIGRATION_CHECKSUM_MISMATCH',
        `migration ${m.file} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ` +
          `${m.checksum.slice(0, 12)}… on disk); add a new migration instead of editing an applied one`,
      );
    }
  }
  const appliedVersions = new Set(applied.map((r) => r.version));
  const highest = applied.reduce((max, r) => Math.max(max, r.version), 0);
  const pending = migrations.filter((m) => !appliedVersions.has(m.version));
  const late = pending.find((m) => m.version < highest);
  if (late) {
    // Applying it now would run it after later migrations it was never tested against.
    throw new AppError(
      'MIGRATION_OUT_OF_ORDER',
      `migration ${late.file} is not applied but ${highest} is; renumber it above ${highest}`,
    );
  }
  return pending;
}

async function connect(
  db: string | pg.Pool,
): Promise<{ client: pg.ClientBase; release: (destroy: boolean) => Promise<void> }> {
  if (typeof db === 'string') {
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    return { client, release: () => client.end() };
  }
  const client = await db.connect();
  return { client, release: async (destroy) => client.release(destroy) };
}
