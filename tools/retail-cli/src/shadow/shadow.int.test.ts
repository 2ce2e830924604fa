import { connectClickhouse, clickhouseConfig } from '@retail-stream/clickhouse-sink';
import { serviceEnv } from '@retail-stream/infra';
import { AppError, parseConfig, seededRandom } from '@retail-stream/runtime';
import { Teardowns, testEndpoints, uniqueIdentifier } from '@retail-stream/runtime/testing';
import type { SaleRecorded, StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type { ClickHouseClient } from '@clickhouse/client';
import type cassandra from 'cassandra-driver';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShadow } from './prepare.ts';
import { diffShadow, dropShadow, promoteShadow, listShadows } from './shadow-ops.ts';
import { CH_SALES_COLUMNS, openLiveStores } from './testing/live-stores.ts';
import { enriched, writeCassandra, writeClickhouse, writePostgres } from './testing/sink-writes.ts';

/**
 * Shadow replay against the real stores: live and shadow filled through each sink's own write
 * path with the same events, one live row damaged on purpose, then diff names exactly that row,
 * promote fixes it, and a second diff is clean. Live is a schema / database / keyspace of this
 * test (pointed at with the sinks' env names), so nothing shared is touched.
 */

const endpoints = testEndpoints(serviceEnv());
const teardowns = new Teardowns({ ignoreErrors: true });
let env: Record<string, string>;
let pgPool: pg.Pool;
let ch: ClickHouseClient;
let cass: cassandra.Client;
let liveSchema: string, liveDb: string, liveKs: string;

const storeA = uniqueIdentifier('shA');
const storeB = uniqueIdentifier('shB');
/** A store only live has: outside the shadow's scope, so never "extra". */
const storeOther = uniqueIdentifier('shO');
const events = (store: string, seed: number): StoreEvent[] =>
  new StoreEventFactory(store, seededRandom(seed)).mixed(30).map((e) => enriched(e));
const inShadow = [...events(storeA, 1), ...events(storeB, 2)];
const onlyLive = events(storeOther, 3);
const firstSale = inShadow.find(
  (e): e is SaleRecorded => e.event_type === 'SaleRecorded' && e.store_id === storeA,
)!;

const name = uniqueIdentifier('t').slice(0, 30);
const ctx = () => ({ env, actor: 'shadow-int-test' });

beforeAll(async () => {
  ({ env, pgPool, ch, cass, liveSchema, liveDb, liveKs } = await openLiveStores(teardowns, [
    ...inShadow,
    ...onlyLive,
  ]));
  // Whatever the test leaves, the shadows go (drop of an already dropped name is a no-op here).
  teardowns.add(null, () => dropShadow(ctx(), { name }, { dryRun: false }).catch(() => undefined));
});

afterAll(() => teardowns.run());

describe('shadow replay, diff, promote, drop', () => {
  it('creates a shadow per sink, filled through the sinks’ own code, and a fresh one diffs clean', async () => {
    const pgEnv = await openShadow(ctx(), 'postgres', name, { resume: false });
    const chEnv = await openShadow(ctx(), 'clickhouse', name, { resume: false });
    const csEnv = await openShadow(ctx(), 'cassandra', name, { resume: false });
    expect(pgEnv).toEqual({ HQ_PG_SCHEMA: `shadow_${name}` });
    expect(chEnv).toEqual({ CLICKHOUSE_DATABASE: `shadow_${name}` });
    expect(csEnv).toEqual({ CASSANDRA_KEYSPACE: `shadow_${name}` });

    await writePostgres(endpoints.pgUrl, pgEnv.HQ_PG_SCHEMA!, inShadow);
    const shadowCh = connectClickhouse(parseConfig(clickhouseConfig, { ...env, ...chEnv }));
    await writeClickhouse(shadowCh, inShadow);
    // A replay writes rows again: unmerged copies must not show up as differences (FINAL).
    await writeClickhouse(shadowCh, inShadow);
    await shadowCh.close();
    await writeCassandra(cass, csEnv.CASSANDRA_KEYSPACE!, inShadow);

    const report = await diffShadow(ctx(), { name }, { rowLimit: 10 });
    expect(report.totals).toEqual({ missing: 0, extra: 0, different: 0 });
    expect(report.rows).toEqual([]);
    expect(report.stores.postgres).toEqual([storeA, storeB].sort());
    // Sanity: the shadow does hold rows (a clean diff of two empty stores would prove nothing).
    const n = await pgPool.query(`SELECT count(*)::int AS n FROM "shadow_${name}".hq_transactions`);
    expect(n.rows[0].n).toBeGreaterThan(5);
  });

  it('a name that exists is refused and nothing changes; bad names and unknown shadows are clear errors', async () => {
    const before = (await listShadows(ctx())).filter((s) => s.name === name);
    const rowsBefore = await pgPool.query(`SELECT count(*)::int AS n FROM "shadow_${name}".hq_inbox`);
    for (const sink of ['postgres', 'clickhouse', 'cassandra'] as const) {
      await expect(openShadow(ctx(), sink, name, { resume: false })).rejects.toMatchObject({
        code: 'SHADOW_EXISTS',
      });
    }
    expect((await listShadows(ctx())).filter((s) => s.name === name)).toEqual(before);
    const rowsAfter = await pgPool.query(`SELECT count(*)::int AS n FROM "shadow_${name}".hq_inbox`);
    expect(rowsAfter.rows[0].n).toBe(rowsBefore.rows[0].n);
    // A resume re-opens it (same override, data kept).
    expect(await openShadow(ctx(), 'postgres', name, { resume: true })).toEqual({
      HQ_PG_SCHEMA: `shadow_${name}`,
    });

    for (const bad of ['Bad-Name', 'x;drop schema hq', '1abc', 'a'.repeat(41), '']) {
      await expect(openShadow(ctx(), 'postgres', bad, { resume: false })).rejects.toMatchObject({
        code: 'SHADOW_BAD_NAME',
      });
    }
    const unknown = uniqueIdentifier('nosuch').slice(0, 30);
    const err = await dropShadow(ctx(), { name: unknown }, { dryRun: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('SHADOW_UNKNOWN');
    await expect(diffShadow(ctx(), { name: unknown }, {})).rejects.toMatchObject({ code: 'SHADOW_UNKNOWN' });
  });

  it('Postgres: diff names exactly the damaged row, promote fixes it, the next diff is clean', async () => {
    await pgPool.query(
      `UPDATE "${liveSchema}".hq_transactions SET total_minor = total_minor + 1 WHERE store_id = $1 AND transaction_id = $2`,
      [storeA, firstSale.transaction_id],
    );
    const d = await diffShadow(ctx(), { name, sinks: ['postgres'] }, { rowLimit: 10 });
    expect(d.totals).toEqual({ missing: 0, extra: 0, different: 1 });
    expect(d.rows).toEqual([
      {
        sink: 'postgres',
        table: 'hq_transactions',
        store_id: storeA,
        kind: 'different',
        key: { store_id: storeA, transaction_id: firstSale.transaction_id },
      },
    ]);
    const dry = await promoteShadow(
      ctx(),
      { name, sinks: ['postgres'] },
      {},
      { dryRun: true, deleteExtra: false },
    );
    expect(dry.promoted.find((p) => p.table === 'hq_transactions')?.upserted).toBe(1);
    expect((await diffShadow(ctx(), { name, sinks: ['postgres'] }, {})).totals.different).toBe(1);

    const p = await promoteShadow(
      ctx(),
      { name, sinks: ['postgres'] },
      {},
      { dryRun: false, deleteExtra: false },
    );
    expect(p.promoted.reduce((s, x) => s + x.upserted, 0)).toBe(1);
    expect(p.remaining).toEqual({ missing: 0, extra: 0, different: 0 });
    const live = await pgPool.query(
      `SELECT total_minor::bigint AS t FROM "${liveSchema}".hq_transactions WHERE store_id = $1 AND transaction_id = $2`,
      [storeA, firstSale.transaction_id],
    );
    expect(Number(live.rows[0].t)).toBe(firstSale.total_minor);
    expect((await diffShadow(ctx(), { name, sinks: ['postgres'] }, {})).totals).toEqual({
      missing: 0,
      extra: 0,
      different: 0,
    });
    // Idempotent: a second promote finds nothing to write.
    const again = await promoteShadow(
      ctx(),
      { name, sinks: ['postgres'] },
      {},
      { dryRun: false, deleteExtra: false },
    );
    expect(again.promoted.reduce((s, x) => s + x.upserted, 0)).toBe(0);
    expect((await listShadows(ctx())).find((s) => s.name === name && s.sink === 'postgres')?.status).toBe(
      'promoted',
    );
  });

  it('Postgres: a row missing in live, and one extra, are found; --delete-extra removes the extra', async () => {
    const saleB = inShadow.find(
      (e): e is SaleRecorded => e.event_type === 'SaleRecorded' && e.store_id === storeB,
    )!;
    const line = await pgPool.query(
      `DELETE FROM "${liveSchema}".hq_line_items WHERE store_id = $1 AND transaction_id = $2 AND line_no = 1`,
      [storeB, saleB.transaction_id],
    );
    expect(line.rowCount).toBe(1);
    // An extra row: a copy of another line under a line number no sale has.
    const client = await pgPool.connect();
    try {
      await client.query(
        `CREATE TEMP TABLE extra_line AS SELECT * FROM "${liveSchema}".hq_line_items WHERE store_id = $1 AND transaction_id = $2 AND line_no = 2`,
        [storeB, saleB.transaction_id],
      );
      await client.query('UPDATE extra_line SET line_no = 999');
      await client.query(`INSERT INTO "${liveSchema}".hq_line_items SELECT * FROM extra_line`);
      await client.query('DROP TABLE extra_line');
    } finally {
      client.release();
    }
    const d = await diffShadow(ctx(), { name, sinks: ['postgres'] }, { rowLimit: 10 });
    expect(d.totals).toEqual({ missing: 1, extra: 1, different: 0 });
    const key = (n: number) => ({ store_id: storeB, transaction_id: saleB.transaction_id, line_no: n });
    expect(d.rows.map((r) => [r.table, r.kind, r.key])).toEqual([
      ['hq_line_items', 'missing', key(1)],
      ['hq_line_items', 'extra', key(999)],
    ]);
    // Without --delete-extra the extra row stays (and is still reported).
    const keep = await promoteShadow(
      ctx(),
      { name, sinks: ['postgres'] },
      {},
      { dryRun: false, deleteExtra: false },
    );
    expect(keep.promoted.reduce((s, x) => s + x.upserted + x.deleted, 0)).toBe(1);
    expect((await diffShadow(ctx(), { name, sinks: ['postgres'] }, {})).totals).toEqual({
      missing: 0,
      extra: 1,
      different: 0,
    });
    const p = await promoteShadow(
      ctx(),
      { name, sinks: ['postgres'] },
      {},
      { dryRun: false, deleteExtra: true },
    );
    expect(p.remaining).toEqual({ missing: 0, extra: 0, different: 0 });
    expect((await diffShadow(ctx(), { name, sinks: ['postgres'] }, {})).totals).toEqual({
      missing: 0,
      extra: 0,
      different: 0,
    });
    // The store outside the shadow's scope was never touched (not "extra", not deleted).
    const other = await pgPool.query(
      `SELECT count(*)::int AS n FROM "${liveSchema}".hq_inbox WHERE store_id = $1`,
      [storeOther],
    );
    expect(other.rows[0].n).toBe(onlyLive.length);
  });

  it('ClickHouse: a damaged live row (a newer copy) is the one difference; promote fixes it', async () => {
    const cols = CH_SALES_COLUMNS;
    await ch.command({
      query: `INSERT INTO ${liveDb}.sales (${cols}) SELECT ${cols.replace(/\btotal_minor,/, 'total_minor + 7,')} FROM ${liveDb}.sales FINAL WHERE event_id = '${firstSale.event_id}'`,
    });
    const d = await diffShadow(ctx(), { name, sinks: ['clickhouse'] }, { rowLimit: 10 });
    expect(d.totals).toEqual({ missing: 0, extra: 0, different: 1 });
    expect(d.rows).toEqual([
      {
        sink: 'clickhouse',
        table: 'sales',
        store_id: storeA,
        kind: 'different',
        key: { store_id: storeA, event_id: firstSale.event_id },
      },
    ]);
    const p = await promoteShadow(
      ctx(),
      { name, sinks: ['clickhouse'] },
      {},
      { dryRun: false, deleteExtra: false },
    );
    expect(p.promoted.reduce((s, x) => s + x.upserted, 0)).toBe(1);
    expect(p.remaining).toEqual({ missing: 0, extra: 0, different: 0 });
    const rs = await ch.query({
      query: `SELECT total_minor FROM ${liveDb}.sales FINAL WHERE event_id = '${firstSale.event_id}'`,
      format: 'JSONEachRow',
    });
    expect((await rs.json<{ total_minor: string }>()).map((r) => Number(r.total_minor))).toEqual([
      firstSale.total_minor,
    ]);
    expect((await diffShadow(ctx(), { name, sinks: ['clickhouse'] }, {})).totals).toEqual({
      missing: 0,
      extra: 0,
      different: 0,
    });
  });

  it('ClickHouse: a live copy with a higher version and an extra row; promote --delete-extra fixes both', async () => {
    const cols = CH_SALES_COLUMNS;
    const sale = inShadow.filter(
      (e): e is SaleRecorded => e.event_type === 'SaleRecorded' && e.store_id === storeB,
    )[1]!;
    // A copy with a higher version (store_seq) outranks anything of the sink's version in FINAL.
    await ch.command({
      query: `INSERT INTO ${liveDb}.sales (${cols}) SELECT ${cols.replace('store_seq,', 'store_seq + 1000,').replace(/\btotal_minor,/, 'total_minor + 9,')} FROM ${liveDb}.sales FINAL WHERE event_id = '${sale.event_id}'`,
    });
    await ch.command({
      query: `INSERT INTO ${liveDb}.sales (${cols}) SELECT ${cols.replace('event_id,', "concat(event_id, '_x'),")} FROM ${liveDb}.sales FINAL WHERE event_id = '${sale.event_id}'`,
    });
    const d = await diffShadow(ctx(), { name, sinks: ['clickhouse'] }, { rowLimit: 10 });
    expect(d.totals).toEqual({ missing: 0, extra: 1, different: 1 });
    expect(d.rows.map((r) => [r.table, r.kind, r.key])).toEqual([
      ['sales', 'different', { store_id: storeB, event_id: sale.event_id }],
      ['sales', 'extra', { store_id: storeB, event_id: `${sale.event_id}_x` }],
    ]);
    const p = await promoteShadow(
      ctx(),
      { name, sinks: ['clickhouse'] },
      {},
      { dryRun: false, deleteExtra: true },
    );
    expect(p.promoted.find((x) => x.table === 'sales')).toEqual({
      sink: 'clickhouse',
      table: 'sales',
      upserted: 1,
      deleted: 1,
      forced: 1,
    });
    expect(p.remaining).toEqual({ missing: 0, extra: 0, different: 0 });
    expect((await diffShadow(ctx(), { name, sinks: ['clickhouse'] }, {})).totals).toEqual({
      missing: 0,
      extra: 0,
      different: 0,
    });
  });

  it('Cassandra: a cell changed by hand (no USING TIMESTAMP) is the one difference; promote fixes it', async () => {
    await cass.execute(
      `UPDATE ${liveKs}.transaction_by_id_and_store SET total_minor = ? WHERE transaction_id = ? AND store_id = ?`,
      [BigInt(firstSale.total_minor + 3), firstSale.transaction_id, storeA],
      { prepare: true },
    );
    const d = await diffShadow(ctx(), { name, sinks: ['cassandra'] }, { rowLimit: 10 });
    expect(d.totals).toEqual({ missing: 0, extra: 0, different: 1 });
    expect(d.rows).toEqual([
      {
        sink: 'cassandra',
        table: 'transaction_by_id_and_store',
        store_id: storeA,
        kind: 'different',
        key: { transaction_id: firstSale.transaction_id, store_id: storeA },
      },
    ]);
    const p = await promoteShadow(
      ctx(),
      { name, sinks: ['cassandra'] },
      {},
      { dryRun: false, deleteExtra: false },
    );
    expect(p.promoted.reduce((s, x) => s + x.upserted, 0)).toBe(1);
    expect(p.remaining).toEqual({ missing: 0, extra: 0, different: 0 });
    const r = await cass.execute(
      `SELECT total_minor FROM ${liveKs}.transaction_by_id_and_store WHERE transaction_id = ? AND store_id = ?`,
      [firstSale.transaction_id, storeA],
      { prepare: true },
    );
    expect(Number(r.rows[0]!.get('total_minor'))).toBe(firstSale.total_minor);
    expect((await diffShadow(ctx(), { name, sinks: ['cassandra'] }, {})).totals).toEqual({
      missing: 0,
      extra: 0,
      different: 0,
    });
  });

  it('a shadow of only part of a store’s history: Postgres refuses, Cassandra keeps newer live cells, live unchanged', async () => {
    const part = `${name.slice(0, 28)}_p`;
    teardowns.add(null, () => dropShadow(ctx(), { name: part }, { dryRun: false }).catch(() => undefined));
    const firstHalf = inShadow.filter((e) => e.store_id === storeA).slice(0, 15);
    const pgEnv = await openShadow(ctx(), 'postgres', part, { resume: false });
    await writePostgres(endpoints.pgUrl, pgEnv.HQ_PG_SCHEMA!, firstHalf);
    const csEnv = await openShadow(ctx(), 'cassandra', part, { resume: false });
    await writeCassandra(cass, csEnv.CASSANDRA_KEYSPACE!, firstHalf);

    const before = await diffShadow(ctx(), { name: part }, {});
    expect(before.totals.different).toBeGreaterThan(0);
    const err = await promoteShadow(
      ctx(),
      { name: part, sinks: ['postgres'] },
      {},
      { dryRun: false, deleteExtra: false },
    ).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('SHADOW_PARTIAL');
    expect((err as AppError).message).toContain(storeA);

    const p = await promoteShadow(
      ctx(),
      { name: part, sinks: ['cassandra'] },
      {},
      { dryRun: false, deleteExtra: false },
    );
    expect(p.promoted.reduce((s, x) => s + (x.newerInLive ?? 0), 0)).toBeGreaterThan(0);
    expect(p.promoted.reduce((s, x) => s + (x.forced ?? 0), 0)).toBe(0);
    // Nothing of live was replaced by the shadow's older state.
    const after = await diffShadow(ctx(), { name: part }, {});
    expect(after.counts).toEqual(before.counts);
    expect(after.totals).toEqual(before.totals);
  });

  it('drop removes the schema, database, keyspace and registry rows', async () => {
    const dry = await dropShadow(ctx(), { name }, { dryRun: true });
    expect(dry.dropped.map((s) => s.sink).sort()).toEqual(['cassandra', 'clickhouse', 'postgres']);
    expect((await listShadows(ctx())).filter((s) => s.name === name)).toHaveLength(3);
    await dropShadow(ctx(), { name }, { dryRun: false });
    expect((await listShadows(ctx())).filter((s) => s.name === name)).toEqual([]);
    const schema = await pgPool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [`shadow_${name}`]);
    expect(schema.rowCount).toBe(0);
    const rs = await ch.query({
      query: `SELECT count() AS n FROM system.databases WHERE name = 'shadow_${name}'`,
      format: 'JSONEachRow',
    });
    expect(Number((await rs.json<{ n: string }>())[0]!.n)).toBe(0);
    const ks = await cass.execute(
      'SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?',
      [`shadow_${name}`],
      { prepare: true },
    );
    expect(ks.rowLength).toBe(0);
  });
});
