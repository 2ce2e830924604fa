import { waitFor } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import { kpiMessages, kpiWindow, rowsWritten, sinkEnv, startSink } from '../test/harness.ts';
import { useSinkFixture } from '../test/fixture.ts';
import { kpiLatestRevisions } from './queries.ts';

describe('clickhouse sink: KPI windows keep the highest revision', () => {
  const f = useSinkFixture(1);

  it('revisions redelivered out of order, in separate inserts: the collapsed table shows the highest', async () => {
    const w1 = (revision: number) =>
      kpiWindow({ revision, gmv_minor: revision * 10_000, orders: revision, is_final: revision === 5 });
    const w2 = (revision: number) =>
      kpiWindow({
        scope: 'chain',
        store_id: null,
        window_size: 'H1',
        window_end: 1_763_773_200_000,
        revision,
        gmv_minor: revision * 7,
        payments_by_method: { CARD: revision * 7 },
      });
    const env = sinkEnv(f.db.name, f.topics, { SINK_MIGRATE: 'false', SINK_FLUSH_INTERVAL_MS: '0' });
    const sink = await startSink(env);
    try {
      // Separate sends with the sink running: each lands in its own insert (its own part), so the
      // result comes from the engine's version column, not from one insert's row order.
      const rounds = [
        [w1(3), w2(2)],
        [w1(5)],
        [w1(1), w2(4)],
        [w1(4), w2(1)],
        [w1(2), w1(5), w2(3)],
        [w1(1)],
      ];
      let sent = 0;
      for (const round of rounds) {
        await f.producer.send(f.topics.kpi, await kpiMessages(round));
        sent += round.length;
        await waitFor(async () => rowsWritten(await sink.metricsText()) >= sent, {
          what: `${sent} rows written`,
        });
      }
      const want = [
        {
          scope: 'chain',
          window_size: 'H1',
          revision: 4,
          gmv_minor: 28,
          is_final: 0,
          payment_methods: ['CARD'],
          payment_amounts_minor: [28],
        },
        { scope: 'store:s1', window_size: 'M15', revision: 5, gmv_minor: 50_000, orders: 5, is_final: 1 },
      ];
      await waitFor(
        async () => {
          const rows = await kpiLatestRevisions(f.db.client);
          return rows.length === 2 && rows[0]!.revision === 4 && rows[1]!.revision === 5;
        },
        { timeoutMs: 20_000, what: 'highest revisions' },
      );
      // Every record is in the table (nothing skipped as "old"), yet reads see one row per window.
      const raw = await f.db.client.query({
        query: 'SELECT count() AS n FROM kpi_windows',
        format: 'JSONEachRow',
      });
      expect(Number((await raw.json<{ n: string }>())[0]!.n)).toBeGreaterThanOrEqual(2);
      const latest = await kpiLatestRevisions(f.db.client);
      expect(latest).toHaveLength(2);
      expect(latest[0]).toMatchObject(want[0]!);
      expect(latest[1]).toMatchObject(want[1]!);
      expect(await kpiLatestRevisions(f.db.client, { scope: 'chain', windowSize: 'H1' })).toHaveLength(1);

      // Merging the parts (what ClickHouse does in the background) keeps the same answer. OPTIMIZE
      // is a no-op while another merge of those parts runs, so it is repeated until one row per
      // window is left.
      const merged = async () => {
        await f.db.client.command({ query: 'OPTIMIZE TABLE kpi_windows FINAL' });
        const rs = await f.db.client.query({
          query: 'SELECT scope, revision FROM kpi_windows ORDER BY scope',
          format: 'JSONEachRow',
        });
        return (await rs.json<{ scope: string; revision: number }>()).map((r) => [
          r.scope,
          Number(r.revision),
        ]);
      };
      await waitFor(async () => (await merged()).length === 2, {
        timeoutMs: 20_000,
        intervalMs: 500,
        what: 'merge',
      });
      expect(await merged()).toEqual([
        ['chain', 4],
        ['store:s1', 5],
      ]);
    } finally {
      await sink.stop();
    }
  }, 60_000);
});
