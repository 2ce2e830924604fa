import type { ClickHouseClient } from '@clickhouse/client';
import { sinkMetrics } from '@retail-stream/runtime';
import { WriteMeter } from '@retail-stream/runtime/sink-kit';
import { kpiWindowFixture, StoreEventFactory } from '@retail-stream/schemas/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, enrichmentFor, type TestDatabase } from '../test/harness.ts';
import { ClickhouseWriter } from './clickhouse-writer.ts';
import { appendEncoded, encodeRows, type EncodedRows } from './encoded-rows.ts';
import { appendRows, emptyTableRows, kpiWindowRows, storeEventRows, type TableRows } from './rows.ts';
import { CH_TABLES } from './tables/all-tables.ts';

/**
 * The sink's RowBinary against the server: the same rows inserted through ClickhouseWriter
 * (RowBinary) into one database and through the client's JSONEachRow into another must read back
 * identical, column by column, in every table, including the values a hand-written encoder gets
 * wrong first: negative and ±2^53 Int64, multi-byte UTF-8 around the short-string limit and past
 * a two-byte length, NULL against '' in Nullable columns, empty and filled arrays.
 */
describe('RowBinary inserts read back like JSONEachRow inserts of the same rows', () => {
  let binary: TestDatabase;
  let json: TestDatabase;
  beforeAll(async () => {
    [binary, json] = await Promise.all([createTestDatabase('chrowbin'), createTestDatabase('chrowjson')]);
  });
  afterAll(async () => {
    await Promise.all([binary?.drop(), json?.drop()]);
  });

  function edgeRows(): TableRows {
    const f = new StoreEventFactory('rb_store');
    const rows = emptyTableRows();
    for (const e of f.oneOfEach()) appendRows(rows, storeEventRows({ ...e, enrichment: enrichmentFor(e) }));
    for (const e of f.mixed(40)) appendRows(rows, storeEventRows({ ...e, enrichment: enrichmentFor(e) }));
    appendRows(rows, kpiWindowRows(kpiWindowFixture()));
    appendRows(
      rows,
      kpiWindowRows(kpiWindowFixture({ store_id: null, scope: 'chain', payments_by_method: {} })),
    );
    const [line1, line2, line3] = rows.get('sale_lines')!;
    Object.assign(line1!, {
      discount_minor: -1,
      unit_price_minor: Number.MAX_SAFE_INTEGER,
      tax_minor: Number.MIN_SAFE_INTEGER,
      product_name: 'Cà phê sữa đá ☕ '.repeat(3).slice(0, 42), // 42 UTF-16 units, multi-byte
      brand: '',
    });
    Object.assign(line2!, { product_name: 'ệ'.repeat(43), brand: null, line_total_minor: -(2 ** 32) - 1 });
    Object.assign(line3!, { product_name: 'Đ'.repeat(300), category: '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', quantity: -2_147_483_648 });
    return rows;
  }

  async function content(
    client: ClickHouseClient,
    table: string,
    orderBy: readonly string[],
  ): Promise<string> {
    const rs = await client.query({
      query: `SELECT * FROM ${table} ORDER BY ${orderBy.join(', ')}`,
      format: 'JSONEachRow',
    });
    return rs.text();
  }

  it('every table: the same count and the same values', async () => {
    const rows = edgeRows();
    const encoded: EncodedRows = new Map();
    // One part per row, as records arrive one by one; maxRows 7 splits them over several inserts.
    for (const [table, list] of rows)
      for (const r of list) appendEncoded(encoded, encodeRows(new Map([[table, [r]]])));
    const meter = new WriteMeter(sinkMetrics(new Registry()), 'clickhouse');
    const counts = await new ClickhouseWriter(binary.client, 7, meter).write(encoded);
    for (const [table, list] of rows) {
      if (list.length > 0) await json.client.insert({ table, values: list, format: 'JSONEachRow' });
    }

    expect(counts.rows).toEqual(
      Object.fromEntries([...rows].filter(([, l]) => l.length > 0).map(([t, l]) => [t, l.length])),
    );
    for (const t of CH_TABLES) {
      const ours = await content(binary.client, t.table, t.orderBy);
      expect(ours.split('\n').filter(Boolean).length, t.table).toBe(rows.get(t.table)!.length);
      expect(ours, t.table).toBe(await content(json.client, t.table, t.orderBy));
    }
    // The edge values themselves, read back.
    const line = (await content(binary.client, 'sale_lines', ['unit_price_minor DESC']))
      .split('\n')
      .map((l) => (l ? JSON.parse(l) : undefined))[0];
    expect(line).toMatchObject({
      unit_price_minor: String(Number.MAX_SAFE_INTEGER),
      discount_minor: '-1',
      brand: '',
    });
  });
});
