import { describe, expect, it } from 'vitest';
import { loadMigrations, parseCql } from './migration-files.ts';

describe('migration files', () => {
  it('splits statements, drops comments and fills in the keyspace', () => {
    const text = `-- heading; with a semicolon\nCREATE TABLE {{keyspace}}.a (k int PRIMARY KEY); -- trailing\n\nCREATE TYPE {{keyspace}}.t (x int);\n`;
    expect(parseCql(text, 'ks1')).toEqual([
      'CREATE TABLE ks1.a (k int PRIMARY KEY)',
      'CREATE TYPE ks1.t (x int)',
    ]);
  });

  it('loads the package migrations in version order, every statement idempotent', () => {
    const migrations = loadMigrations('retail_x');
    expect(migrations.map((m) => m.version)).toEqual(
      [...migrations.map((m) => m.version)].sort((a, b) => a - b),
    );
    expect(migrations[0]!.version).toBe(1);
    for (const m of migrations) {
      expect(m.checksum).toMatch(/^[0-9a-f]{64}$/);
      for (const s of m.statements) {
        expect(s).not.toContain('{{keyspace}}');
        // Re-runnable after a crash midway: creates only if missing, drops only if present.
        expect(s).toMatch(/IF (NOT )?EXISTS/);
      }
    }
  });
});
