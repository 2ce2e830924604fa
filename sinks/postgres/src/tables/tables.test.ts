import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@retail-stream/runtime';
import { KPI_MEASURES } from '@retail-stream/schemas';
import { kpiWindowFixture, StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { mapEvents, type HqRows } from '../event-rows.ts';
import * as tables from '../hq-tables.ts';
import type { TableSpec } from '../unnest-insert.ts';
import { inboxRow } from './inbox.ts';
import { mapKpis } from './kpi-windows.ts';

/** The migration is the schema of record; every table file must agree with its CREATE TABLE. */
const MIGRATION = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../migrations/0001_hq_schema.sql',
);

interface SqlColumn {
  type: string;
  hasDefault: boolean;
}

/** CREATE TABLE name ( column type ..., ... ); → columns by name (constraint lines skipped). */
function createTables(sql: string): Map<string, Map<string, SqlColumn>> {
  const out = new Map<string, Map<string, SqlColumn>>();
  const noComments = sql.replace(/--.*$/gm, '');
  for (const m of noComments.matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\n\);/g)) {
    const columns = new Map<string, SqlColumn>();
    for (const line of m[2]!.split('\n').map((l) => l.trim())) {
      const col = /^(\w+)\s+(\w+)(.*)$/.exec(line);
      if (!col || ['PRIMARY', 'UNIQUE', 'CHECK', 'CONSTRAINT', 'FOREIGN'].includes(col[1]!)) continue;
      columns.set(col[1]!, { type: col[2]!, hasDefault: /\bDEFAULT\b/.test(col[3]!) });
    }
    out.set(m[1]!, columns);
  }
  return out;
}

/** ALTER TABLE name ADD COLUMN [IF NOT EXISTS] column type ...; of later migrations, added to `into`. */
function addColumns(sql: string, into: Map<string, Map<string, SqlColumn>>): void {
  const noComments = sql.replace(/--.*$/gm, '');
  for (const m of noComments.matchAll(
    /ALTER TABLE (\w+) ADD COLUMN (?:IF NOT EXISTS )?(\w+)\s+(\w+)([^;]*);/g,
  )) {
    into.get(m[1]!)?.set(m[2]!, { type: m[3]!, hasDefault: /\bDEFAULT\b/.test(m[4]!) });
  }
}

const specs = [...tables.HQ_TABLES] as TableSpec<unknown>[];
const schema = createTables(readFileSync(MIGRATION, 'utf8'));
const migrationsDir = path.dirname(MIGRATION);
for (const f of readdirSync(migrationsDir)
  .filter((f) => f.endsWith('.sql') && f !== path.basename(MIGRATION))
  .sort()) {
  addColumns(readFileSync(path.join(migrationsDir, f), 'utf8'), schema);
}

describe('HQ table files against migrations/0001_hq_schema.sql', () => {
  it('the parser found the migration tables', () => {
    expect(schema.size).toBeGreaterThanOrEqual(11);
    expect(schema.get('hq_inbox')?.get('received_at')).toEqual({ type: 'timestamptz', hasDefault: true });
  });

  it('every table of the migration has a table file, and no file names a table it lacks', () => {
    expect(specs.map((s) => s.table).sort()).toEqual([...schema.keys()].sort());
  });

  it.each(specs.map((s) => [s.table, s] as const))('%s: same columns and types', (table, spec) => {
    const sql = schema.get(table)!;
    const written = Object.fromEntries(spec.columns.map(([c, type]) => [c, type]));
    expect(spec.columns.length, 'a column listed twice').toBe(Object.keys(written).length);
    const declared = Object.fromEntries(
      [...sql].filter(([c]) => c in written).map(([c, col]) => [c, col.type]),
    );
    expect(written).toEqual(declared);
    // Columns the sink does not write must fill themselves (received_at and the like).
    const unwritten = [...sql].filter(([c, col]) => !(c in written) && !col.hasDefault).map(([c]) => c);
    expect(unwritten).toEqual([]);
  });

  it('kpi_windows has one bigint column per KPI measure', () => {
    const kpi = schema.get('kpi_windows')!;
    for (const m of KPI_MEASURES) expect(kpi.get(m)?.type).toBe('bigint');
  });
});

describe('table mappings produce exactly the columns of their table', () => {
  const f = new StoreEventFactory('s1', seededRandom(5), 1, () => Date.UTC(2026, 10, 20, 3));
  const events = f.oneOfEach();
  const rows = mapEvents(events.map((event, i) => ({ event, partition: 0, offset: String(i) })));
  const byTable: Record<string, keyof HqRows> = {
    stores: 'stores',
    hq_transactions: 'transactions',
    hq_line_items: 'lineItems',
    hq_payments: 'payments',
    hq_refunds: 'refunds',
    hq_refund_lines: 'refundLines',
    hq_inventory: 'inventory',
    hq_goods_receipts: 'goodsReceipts',
    hq_inventory_adjustments: 'adjustments',
  };
  const sample: Record<string, object[]> = {
    hq_inbox: [inboxRow({ event: events[0]!, partition: 0, offset: '0' })],
    kpi_windows: mapKpis([kpiWindowFixture()]),
    ...Object.fromEntries(Object.entries(byTable).map(([t, k]) => [t, rows[k]])),
  };

  it.each(specs.map((s) => [s.table, s] as const))('%s', (table, spec) => {
    const list = sample[table]!;
    expect(list.length).toBeGreaterThan(0);
    for (const row of list) expect(Object.keys(row).sort()).toEqual(spec.columns.map(([c]) => c).sort());
  });
});
