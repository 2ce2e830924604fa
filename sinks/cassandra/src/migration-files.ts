import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export interface Migration {
  version: number;
  name: string;
  /** sha256 of the file as written (before the keyspace is filled in). */
  checksum: string;
  /** CQL statements with {{keyspace}} replaced, comments removed. */
  statements: string[];
}

const FILE = /^(\d{3,})_([a-z0-9_]+)\.cql$/;

/** Splits a .cql file into statements: `--` comments dropped, split on `;` (no `;` inside strings). */
export function parseCql(text: string, keyspace: string): string[] {
  const noComments = text
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n');
  return noComments
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => s.replaceAll('{{keyspace}}', keyspace));
}

/** Numbered migrations of `dir`, in version order; refuses duplicate versions and stray files. */
export function loadMigrations(keyspace: string, dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    const match = FILE.exec(file);
    if (!match) throw new Error(`migration file name must be NNN_name.cql: ${file}`);
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const version = Number(match[1]);
    if (out.some((m) => m.version === version)) throw new Error(`duplicate migration version ${version}`);
    out.push({
      version,
      name: match[2]!,
      checksum: crypto.createHash('sha256').update(text).digest('hex'),
      statements: parseCql(text, keyspace),
    });
  }
  return out;
}
