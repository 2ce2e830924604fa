import { collapsedTable, TABLES, tableCounts, type Table } from '@retail-stream/clickhouse-sink';
import { seededRandom } from '@retail-stream/runtime';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedCounts } from '../../../../sinks/clickhouse/test/expected.ts';
import { useSinkFixture } from '../../../../sinks/clickhouse/test/fixture.ts';
import { enrichedMessages, kpiMessages, kpiWindow } from '../../../../sinks/clickhouse/test/harness.ts';
import { cliEnv, ENDPOINTS, runCli } from '../../test/cli-harness.ts';
import type { ReplaySummary } from './run-replay.ts';

/**
 * retail replay into the ClickHouse sink's tables (a database of this file's): the same range
 * twice leaves identical collapsed tables (what FINAL reads), each record's rows written once
 * per replay; a replay stopped after a batch resumes and ends exact; the dry run counts what is written.
 */
describe('retail replay --sink clickhouse', () => {
  const f = useSinkFixture(3);
  const ops = new pg.Pool({ connectionString: ENDPOINTS.pgUrl, max: 1 });
  afterAll(async () => {
    await ops.query(`DELETE FROM ops.replay_checkpoints WHERE command::text LIKE '%' || $1 || '%'`, [
      f.topics.events,
    ]);
    await ops.end();
  });

  const dumpAll = async () => {
    const out: Partial<Record<Table, unknown[]>> = {};
    for (const t of TABLES) out[t] = await collapsedTable(f.db.client, t);
    return out;
  };
  const collapsedCounts = async () =>
    Object.fromEntries(Object.entries(await tableCounts(f.db.client)).map(([t, c]) => [t, c.collapsed]));

  it('the same range twice: identical collapsed tables; stopped and resumed: exact; dry run = written', async () => {
    const events = ['ch_a', 'ch_b'].flatMap((s, i) =>
      new StoreEventFactory(s, seededRandom(70 + i)).mixed(150),
    );
    const kpis = [kpiWindow({ revision: 1 }), kpiWindow({ revision: 2, orders: 3 })];
    await f.producer.send(f.topics.events, await enrichedMessages(events));
    await f.producer.send(f.topics.kpi, await kpiMessages(kpis));
    const env = cliEnv({
      CLICKHOUSE_DATABASE: f.db.name,
      SINK_EVENTS_TOPIC: f.topics.events,
      SINK_KPI_TOPIC: f.topics.kpi,
      SINK_DLQ_TOPIC: f.topics.dlq,
    });
    const replay = (...args: string[]) =>
      runCli(['replay', '--sink', 'clickhouse', '--json', '--from', '1h', ...args], env);

    const stopped = await replay('--batch-size', '50', '--max-batches', '2');
    expect(stopped.code).toBe(130);
    const resumed = await replay('--batch-size', '50');
    expect(resumed.code).toBe(0);
    expect(resumed.json<ReplaySummary>().resumed).toBe(true);
    const want = { ...expectedCounts(events), kpi_windows: 1 };
    expect(await collapsedCounts()).toEqual(want);
    const once = await dumpAll();

    const dry = await replay('--dry-run');
    const again = await replay();
    expect(again.code).toBe(0);
    const s = again.json<ReplaySummary>();
    expect(s.written).toBe(events.length + kpis.length);
    expect(await dumpAll()).toEqual(once);
    expect(await collapsedCounts()).toEqual(want);
    // Every row of every record written again by this one replay (ClickHouse collapses them).
    const rows = Object.values(s.rowsByTable ?? {}).reduce((a, b) => a + b, 0);
    expect(rows).toBe(Object.values(expectedCounts(events)).reduce((a, b) => a + b, 0) + kpis.length);
    const d = dry.json<ReplaySummary>();
    expect(d.counts.byStore).toEqual(s.counts.byStore);
    expect(d.counts.byType).toEqual(s.counts.byType);
    expect(d.counts.matched).toBe(s.written);
  });
});
