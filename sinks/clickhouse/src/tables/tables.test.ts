import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KPI_MEASURES } from '@retail-stream/schemas';
import { kpiWindowFixture, StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { appendRows, emptyTableRows, kpiWindowRows, storeEventRows } from '../rows.ts';
import { CH_TABLES } from './all-tables.ts';

/** The migrations are the schema of record; every table file must agree with its CREATE TABLE. */
const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

interface SqlTable {
  /** Columns the writer may send: name → type (MATERIALIZED columns are computed by ClickHouse). */
  columns: Map<string, string>;
  materialized: Set<string>;
  orderBy: string[];
}

function createTables(sql: string): Map<string, SqlTable> {
  const out = new Map<string, SqlTable>();
  const noComments = sql.replace(/--.*$/gm, '');
  const re = /CREATE TABLE IF NOT EXISTS (\w+) \(([\s\S]*?)\n\) ENGINE[\s\S]*?ORDER BY \(([^)]*)\);/g;
  for (const m of noComments.matchAll(re)) {
    const table: SqlTable = {
      columns: new Map(),
      materialized: new Set(),
      orderBy: m[3]!.split(',').map((c) => c.trim()),
    };
    for (const line of m[2]!.split('\n').map((l) => l.trim().replace(/,$/, ''))) {
      const col = /^(\w+) (\S+)(.*)$/.exec(line);
      if (!col) continue;
      if (/\bMATERIALIZED\b/.test(col[3]!)) table.materialized.add(col[1]!);
      else table.columns.set(col[1]!, col[2]!);
    }
    out.set(m[1]!, table);
  }
  return out;
}

const schema = new Map<string, SqlTable>();
for (const file of readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'))) {
  for (const [name, t] of createTables(readFileSync(path.join(MIGRATIONS, file), 'utf8')))
    schema.set(name, t);
}

describe('ClickHouse table files against src/migrations/*.sql', () => {
  it('the parser found the migration tables', () => {
    expect(schema.get('sales')?.columns.get('terminal_id')).toBe('Nullable(String)');
    expect(schema.get('sales')?.materialized.has('occurred_at')).toBe(true);
  });

  it('every table of the migrations has a table file', () => {
    expect(CH_TABLES.map((t) => t.table).sort()).toEqual([...schema.keys()].sort());
  });

  it.each(CH_TABLES.map((t) => [t.table, t] as const))('%s: same columns, types and key', (name, spec) => {
    const sql = schema.get(name)!;
    // Every non-MATERIALIZED column is written (none has a DEFAULT), so the sets are equal.
    expect(Object.fromEntries(spec.columns)).toEqual(Object.fromEntries(sql.columns));
    expect(spec.columns.length, 'a column listed twice').toBe(sql.columns.size);
    expect([...spec.orderBy]).toEqual(sql.orderBy);
  });

  it('kpi_windows has one Int64 column per KPI measure', () => {
    const kpi = schema.get('kpi_windows')!;
    for (const m of KPI_MEASURES) expect(kpi.columns.get(m)).toBe('Int64');
  });
});

describe('table mappings produce exactly the columns of their table', () => {
  const f = new StoreEventFactory('s1');
  const events = f.oneOfEach();
  const all = emptyTableRows();
  for (const e of events) appendRows(all, storeEventRows(e));
  appendRows(all, kpiWindowRows(kpiWindowFixture()));

  it.each(CH_TABLES.map((t) => [t.table, t] as const))('%s', (name, spec) => {
    const rows = all.get(name)!;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(spec.columns.map(([c]) => c).sort());
  });
});
