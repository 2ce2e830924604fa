import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseErrorCode, sqlString } from '@retail-stream/runtime';
import { testClickHouseDatabase, type TestClickHouseDatabase } from '@retail-stream/runtime/testing';
import { serviceEnv } from '../service-env.ts';

const CLICKHOUSE_URL = serviceEnv().CLICKHOUSE_URL ?? '';
let fixture: TestClickHouseDatabase;
// Identifiers cannot be bound; the fixture generates this one from [a-z0-9_], so it needs no quoting.
let db = '';
let client: ClickHouseClient;

beforeAll(async () => {
  expect(CLICKHOUSE_URL, 'serviceEnv().CLICKHOUSE_URL').toMatch(/^https?:\/\//);
  // The fixture's clients log nothing themselves; this file provokes errors on purpose.
  fixture = await testClickHouseDatabase(CLICKHOUSE_URL, { prefix: 'smoke' });
  ({ name: db, client } = fixture);
});

afterAll(() => fixture?.drop());

async function rows<T>(query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

describe('local ClickHouse', () => {
  it('answers /ping and is the Debian 18.16 server', async () => {
    const ping = await fetch(`${CLICKHOUSE_URL}/ping`);
    expect(await ping.text()).toBe('Ok.\n');
    const [v] = await rows<{ v: string }>('SELECT version() AS v');
    expect(v!.v).toMatch(/^18\.16\./);
  });

  it('collapses replayed facts with ReplacingMergeTree(version) … FINAL', async () => {
    await client.command({
      query: `CREATE TABLE ${db}.sale_fact (
          day Date,
          sale_id String,
          store_id String,
          amount Decimal(12, 2),
          occurred_at DateTime,
          version UInt64
        ) ENGINE = ReplacingMergeTree(version)
        PARTITION BY toYYYYMM(day)
        ORDER BY (store_id, sale_id)`,
    });
    const fact = (sale_id: string, version: number, amount: number, day = '2024-03-01') => ({
      day,
      sale_id,
      store_id: 'store-1',
      amount, // a JSON number: 18.16 rejects quoted decimals
      occurred_at: `${day}T10:15:00.123Z`, // ISO, as events carry it; needs date_time_input_format=best_effort
      version,
    });
    // Separate inserts make separate parts, so FINAL (not a background merge) must do the collapsing.
    await client.insert({
      table: `${db}.sale_fact`,
      format: 'JSONEachRow',
      values: [fact('s1', 1, 10), fact('s2', 1, 20)],
    });
    await client.insert({
      table: `${db}.sale_fact`,
      format: 'JSONEachRow',
      values: [fact('s1', 3, 12.5), fact('s3', 1, 5, '2024-04-02')],
    });
    await client.insert({
      table: `${db}.sale_fact`,
      format: 'JSONEachRow',
      values: [fact('s1', 2, 11), fact('s2', 1, 20)],
    });

    const [raw] = await rows<{ n: string }>(`SELECT count() AS n FROM ${db}.sale_fact`);
    expect(Number(raw!.n)).toBe(6);

    const final = await rows<{ sale_id: string; version: string; amount: number; occurred_at: string }>(
      `SELECT sale_id, version, amount, toString(occurred_at) AS occurred_at FROM ${db}.sale_fact FINAL ORDER BY sale_id`,
    );
    expect(final).toEqual([
      { sale_id: 's1', version: '3', amount: 12.5, occurred_at: '2024-03-01 10:15:00' },
      { sale_id: 's2', version: '1', amount: 20, occurred_at: '2024-03-01 10:15:00' },
      { sale_id: 's3', version: '1', amount: 5, occurred_at: '2024-04-02 10:15:00' },
    ]);

    const partitions = await rows<{ partition: string }>(
      `SELECT DISTINCT partition FROM system.parts WHERE database = ${sqlString(db)} AND table = 'sale_fact' AND active ORDER BY partition`,
    );
    expect(partitions.map((p) => p.partition)).toEqual(['202403', '202404']);
  });

  it('quotes inlined string literals safely (18.16 has no query parameters)', async () => {
    const nasty = `it's a \\ "test"'); DROP DATABASE ${db}; --`;
    const [r] = await rows<{ s: string }>(`SELECT ${sqlString(nasty)} AS s`);
    expect(r!.s).toBe(nasty);
  });

  it('reports server errors with their numeric code', async () => {
    const err = await rows(`SELECT * FROM ${db}.missing_table`).catch((e: unknown) => e);
    expect(clickhouseErrorCode(err)).toBe(60); // UNKNOWN_TABLE
    // Mid-result failures must surface as the server's error, not as a JSON parse error.
    const midway = await rows('SELECT throwIf(number = 200000) AS x FROM system.numbers LIMIT 300000').catch(
      (e: unknown) => e,
    );
    expect(clickhouseErrorCode(midway)).toBe(395); // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO
  });
});
