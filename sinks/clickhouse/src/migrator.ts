import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { AppError, sqlString } from '@retail-stream/runtime';
import { DATABASE_NAME } from './config.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** `NNN_name.sql` → its statements (split on `;` at line ends; comments dropped). Pure. */
export function parseMigration(file: string, text: string): Migration {
  const m = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
  if (!m) throw new AppError('MIGRATION_NAME', `migration file ${file} is not NNN_name.sql`);
  const body = text
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n');
  const statements = body
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return { version: Number(m[1]), name: m[2]!, statements };
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const out: Migration[] = [];
  for (const f of files) out.push(parseMigration(f, await fs.readFile(path.join(dir, f), 'utf8')));
  const versions = out.map((m) => m.version);
  if (new Set(versions).size !== versions.length) {
    throw new AppError(
      'MIGRATION_DUPLICATE',
      `duplicate migration versions in ${dir}: ${versions.join(',')}`,
    );
  }
  return out;
}

/** Creates the database if missing (through a client bound to `default`). */
export async function ensureDatabase(admin: ClickHouseClient, database: string): Promise<void> {
  if (!DATABASE_NAME.test(database)) throw new AppError('DATABASE_NAME', `bad database name ${database}`);
  await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
}

/**
 * Applies the migrations not yet in the `schema_migrations` ledger, in version order. Every
 * statement is CREATE … IF NOT EXISTS-style, so two sinks migrating at once (or a crash between a
 * statement and its ledger row) only repeat harmless work; the ledger itself collapses on version.
 * Returns the versions applied by this call.
 */
export async function migrate(client: ClickHouseClient, migrations?: Migration[]): Promise<number[]> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations (
      version UInt32, name String, applied_at DateTime
    ) ENGINE = ReplacingMergeTree() ORDER BY version`,
  });
  const rs = await client.query({
    query: 'SELECT DISTINCT version FROM schema_migrations',
    format: 'JSONEachRow',
  });
  const done = new Set((await rs.json<{ version: number | string }>()).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of migrations ?? (await loadMigrations())) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements) await client.command({ query: statement });
    await client.command({
      query: `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, ${sqlString(m.name)}, now())`,
    });
    applied.push(m.version);
  }
  return applied;
}
