import { describe, expect, it } from 'vitest';
import { loadMigrations, parseMigration } from './migrator.ts';

describe('parseMigration', () => {
  it('splits statements at line-ending semicolons and drops comment lines', () => {
    const m = parseMigration(
      '003_more_things.sql',
      '-- why\nCREATE TABLE a (x String) ENGINE = Log;\n\nCREATE TABLE b (y String)\n ENGINE = Log;\n',
    );
    expect(m).toMatchObject({ version: 3, name: 'more_things' });
    expect(m.statements).toEqual([
      'CREATE TABLE a (x String) ENGINE = Log',
      'CREATE TABLE b (y String)\n ENGINE = Log',
    ]);
  });
  it('refuses a file not named NNN_name.sql', () => {
    expect(() => parseMigration('tables.sql', '')).toThrow(/NNN_name/);
  });
});

describe('the shipped migrations', () => {
  it('are numbered in order and only create things if missing (safe to repeat)', async () => {
    const all = await loadMigrations();
    expect(all.map((m) => m.version)).toEqual([1, 2, 3]);
    for (const s of all.flatMap((m) => m.statements))
      expect(s).toMatch(/^CREATE (TABLE|VIEW) IF NOT EXISTS /);
  });
  it('use only syntax ClickHouse 18.16 accepts (no DateTime64, Map, LowCardinality, parameters)', async () => {
    const text = (await loadMigrations()).flatMap((m) => m.statements).join('\n');
    expect(text).not.toMatch(/DateTime64|Map\(|LowCardinality|\{\w+:\w+\}|toStartOfInterval/);
  });
});
