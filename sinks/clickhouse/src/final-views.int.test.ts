import type { ClickHouseClient } from '@clickhouse/client';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedCounts, expectedSales } from '../test/expected.ts';
import { createTestDatabase, enrichmentFor, type TestDatabase } from '../test/harness.ts';
import { appendRows, emptyTableRows, storeEventRows, TABLES, type TableRows } from './rows.ts';

/**
 * Issue 11 item 6: after a replay the fact tables hold every row twice until ClickHouse merges
 * the parts. The *_v views (migrations/003_final_views.sql) must give the exact answer to a plain
 * SELECT at any moment, with no FINAL in the query.
 */
describe('clickhouse *_v views: plain SELECTs are exact after a replay', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('chviews');
  });
  afterAll(() => db?.drop());

  const insertAll = async (client: ClickHouseClient, rows: TableRows) => {
    for (const [table, values] of rows) {
      if (values.length > 0) await client.insert({ table, values, format: 'JSONEachRow' });
    }
  };
  const one = async (query: string): Promise<Record<string, number>> => {
    const rs = await db.client.query({
      query,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    return (await rs.json<Record<string, number>>())[0]!;
  };

  it('the same rows inserted twice (a replay): raw tables double, the views do not', async () => {
    const events = ['vw_a', 'vw_b'].flatMap((s) => new StoreEventFactory(s, undefined).mixed(120));
    const rows = emptyTableRows();
    for (const e of events) appendRows(rows, storeEventRows({ ...e, enrichment: enrichmentFor(e) }));
    // Two separate inserts = two parts; nothing merges them during the test (no OPTIMIZE).
    await insertAll(db.client, rows);
    await insertAll(db.client, rows);

    const want = expectedCounts(events);
    const sales = expectedSales(events);
    const wantOrders = [...sales.values()].reduce((s, v) => s + v.orders, 0);
    const wantTotal = [...sales.values()].reduce((s, v) => s + v.total, 0);
    expect(wantOrders).toBeGreaterThan(0);

    // The trap the views exist for: the raw table counts every copy.
    expect((await one('SELECT count() AS n FROM sales')).n).toBe(2 * wantOrders);

    // The views: plain count() and sum() are exact, per table and for the money.
    for (const table of TABLES) {
      expect((await one(`SELECT count() AS n FROM ${table}_v`)).n, table).toBe(want[table]);
    }
    expect(await one('SELECT count() AS orders, sum(total_minor) AS total FROM sales_v')).toEqual({
      orders: wantOrders,
      total: wantTotal,
    });
    const perStore = await db.client.query({
      query: `SELECT store_id, count() AS orders, sum(total_minor) AS total
                FROM sales_v GROUP BY store_id ORDER BY store_id`,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    expect(await perStore.json()).toEqual(
      [...sales].sort(([a], [b]) => a.localeCompare(b)).map(([store_id, s]) => ({ store_id, ...s })),
    );
    // The MATERIALIZED day column is there too (BI groups by it).
    expect((await one('SELECT count() AS n FROM sales_v WHERE toYear(occurred_at) >= 2000')).n).toBe(
      wantOrders,
    );
  });
});
