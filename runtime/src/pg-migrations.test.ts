import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadMigrations,
  lockKeyFor,
  migrationChecksum,
  parseMigrationFileName,
  planPending,
  type Migration,
} from './pg-migrations.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
  dirs.push(dir);
  await Promise.all(Object.entries(files).map(([name, sql]) => writeFile(path.join(dir, name), sql)));
  return dir;
}

const m = (version: number, sql = `-- ${version}`): Migration => ({
  version,
  name: `m${version}`,
  file: `${String(version).padStart(4, '0')}_m${version}.sql`,
  sql,
  checksum: migrationChecksum(sql),
});

describe('migration files', () => {
  it('parses NNNN_name.sql and ignores nothing else silently', () => {
    expect(parseMigrationFileName('0001_init.sql')).toEqual({ version: 1, name: 'init' });
    expect(parseMigrationFileName('0042_add-index_2.sql')).toEqual({ version: 42, name: 'add-index_2' });
    expect(parseMigrationFileName('1_init.sql')).toBeUndefined();
    expect(parseMigrationFileName('0001_Init.sql')).toBeUndefined();
    expect(parseMigrationFileName('0001_init.SQL')).toBeUndefined();
  });

  it('loads in version order with checksums, skipping non-sql files', async () => {
    const dir = await folder({
      '0002_b.sql': 'SELECT 2;',
      '0001_a.sql': 'SELECT 1;',
      'README.md': '# notes',
    });
    const loaded = await loadMigrations(dir);
    expect(loaded.map((x) => x.file)).toEqual(['0001_a.sql', '0002_b.sql']);
    expect(loaded[0]!.checksum).toBe(migrationChecksum('SELECT 1;'));
  });

  it('rejects a badly named sql file, version 0 and duplicate versions', async () => {
    await expect(loadMigrations(await folder({ 'init.sql': '' }))).rejects.toMatchObject({
      code: 'MIGRATION_BAD_FILE_NAME',
    });
    await expect(loadMigrations(await folder({ '0000_zero.sql': '' }))).rejects.toMatchObject({
      code: 'MIGRATION_BAD_FILE_NAME',
    });
    await expect(loadMigrations(await folder({ '0001_a.sql': '', '0001_b.sql': '' }))).rejects.toMatchObject({
      code: 'MIGRATION_DUPLICATE_VERSION',
    });
  });

  it('checksums ignore CRLF vs LF but nothing else', () => {
    expect(migrationChecksum('a\r\nb\r\n')).toBe(migrationChecksum('a\nb\n'));
    expect(migrationChecksum('a\nb\n')).not.toBe(migrationChecksum('a\nb \n'));
  });

  it('derives stable, distinct signed 64-bit lock keys', () => {
    expect(lockKeyFor('x')).toBe(lockKeyFor('x'));
    expect(lockKeyFor('x')).not.toBe(lockKeyFor('y'));
    expect(lockKeyFor('x') >= -(2n ** 63n) && lockKeyFor('x') < 2n ** 63n).toBe(true);
  });
});

describe('planPending', () => {
  const row = (x: Migration) => ({ version: x.version, name: x.name, checksum: x.checksum });

  it('returns everything on a fresh database and nothing once applied', () => {
    const all = [m(1), m(2), m(3)];
    expect(planPending(all, []).map((x) => x.version)).toEqual([1, 2, 3]);
    expect(planPending(all, all.slice(0, 2).map(row)).map((x) => x.version)).toEqual([3]);
    expect(planPending(all, all.map(row))).toEqual([]);
  });

  it('refuses an applied file whose content changed', () => {
    expect(() => planPending([m(1, 'SELECT 1 -- edited')], [row(m(1))])).toThrow(
      expect.objectContaining({
        code: 'MIGRATION_CHECKSUM_MISMATCH',
        message: expect.stringContaining('0001_m1.sql'),
      }),
    );
  });

  it('refuses a database migrated by newer code', () => {
    expect(() => planPending([m(1)], [row(m(1)), row(m(2))])).toThrow(
      expect.objectContaining({ code: 'MIGRATION_UNKNOWN_APPLIED' }),
    );
  });

  it('refuses a new file numbered below an applied one', () => {
    expect(() => planPending([m(1), m(2), m(3)], [row(m(1)), row(m(3))])).toThrow(
      expect.objectContaining({ code: 'MIGRATION_OUT_OF_ORDER' }),
    );
  });
});
