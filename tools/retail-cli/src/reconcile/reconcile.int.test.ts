import { testEndpoints, uniqueIdentifier, waitFor } from '@retail-stream/runtime/testing';
import { serviceEnv } from '@retail-stream/infra';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import pg from 'pg';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { PipelineWorld } from '../trace/testing/pipeline-world.ts';
import { localDateString } from '@retail-stream/runtime';
import type { ReconcileRun } from './run-reconcile.ts';

/**
 * retail reconcile against a real pipeline: a clean day is clean; after one HQ row and one
 * ClickHouse row are deleted, reconcile names both (exit 2), --repair restores them through the
 * sinks' own write paths, and a second run is clean.
 */
describe('retail reconcile', () => {
  const STORE = uniqueIdentifier('c4r');
  const TZ = 'Asia/Ho_Chi_Minh';
  const at = Date.now() - 60_000;
  const DATE = localDateString(at, TZ);
  let w: PipelineWorld;
  const f = new StoreEventFactory(STORE, undefined, 1, () => at);
  const sales = f.sales(6);
  // A basket abandoned before payment: voided, never finalized, so HQ Postgres has no sale row to
  // carry its void while ClickHouse and the KPI windows count it (reconcile must not call it missing).
  const abandoned = new StoreEventFactory(STORE, undefined, 1, () => at).sale(2);
  const events: StoreEvent[] = [
    ...sales.flatMap((s) => [s, f.paymentCaptured(s)]),
    f.void(sales[0]!),
    { ...f.void(abandoned), was_paid: false, stock: [] },
    f.refund(sales[1]!),
  ];
  const [pgVictim, chVictim] = [sales[2]!, sales[3]!];

  beforeAll(async () => {
    w = await PipelineWorld.start([STORE]);
    await w.commit(events);
    await w.publish(events);
    await w.settle(events.length, [STORE]);
  }, 240_000);

  afterAll(async () => {
    const ops = new pg.Pool({ connectionString: testEndpoints(serviceEnv()).pgUrl, max: 1 });
    await ops
      .query('DELETE FROM ops.reconciliation_runs WHERE store_id = $1', [STORE])
      .catch(() => undefined);
    await ops.end();
    await w?.stop();
  }, 120_000);

  const reconcile = async (...extra: string[]) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += d));
    const env = {
      ...w.env(),
      SINK_KPI_TOPIC: w.topics.kpi,
      SINK_DLQ_TOPIC: w.topics.dlq,
      STORE_DEFAULT_TIMEZONE: TZ,
    };
    const code = await main(
      [
        'node',
        'retail',
        'reconcile',
        '--date',
        DATE,
        '--store',
        STORE,
        '--topic',
        w.topics.enriched,
        '--json',
        ...extra,
      ],
      env,
      { stdout, stderr },
    );
    return { code, run: JSON.parse(out) as ReconcileRun };
  };

  const hqSale = async (e: StoreEvent) =>
    (
      await w.hq.query(
        `SELECT transaction_id, total_minor::float8 AS total_minor, status FROM "${w.hqSchema}".hq_transactions WHERE sale_event_id = $1`,
        [e.event_id],
      )
    ).rows;
  const chSales = async (e: StoreEvent) => {
    const rs = await w.ch.query({
      query: `SELECT count() AS n FROM sales_v WHERE event_id = '${e.event_id}'`,
      format: 'JSONEachRow',
    });
    return Number((await rs.json<{ n: string }>())[0]!.n);
  };

  it('a clean day: every source agrees with the store (exit 0, a run row)', async () => {
    const { code, run } = await reconcile();
    // The whole result in the message: vitest abbreviates a nested object to { …(8) }.
    expect(run.results[0], JSON.stringify(run.results[0])).toMatchObject({
      store_id: STORE,
      status: 'clean',
      differences: [],
      missing: [],
    });
    expect(run.results[0]!.figures.store).toMatchObject({
      events: events.length,
      sales: 6,
      voids: 2,
      refunds: 1,
      last_seq: events.length,
    });
    expect(run.results[0]!.figures.postgres).toMatchObject({ sales: 6, voids: 1 });
    expect(run.results[0]!.figures.clickhouse).toMatchObject({ sales: 6, voids: 2 });
    expect(run.results[0]!.figures.kpi).toMatchObject({ sales: 6, voids: 2, refunds: 1 });
    expect(code).toBe(0);
  });

  it('one HQ row and one ClickHouse row deleted: both named (exit 2); --repair restores them; then clean', async () => {
    const pgBefore = await hqSale(pgVictim);
    expect(pgBefore).toHaveLength(1);
    await w.hq.query(`DELETE FROM "${w.hqSchema}".hq_transactions WHERE sale_event_id = $1`, [
      pgVictim.event_id,
    ]);
    await w.ch.command({ query: `ALTER TABLE sales DELETE WHERE event_id = '${chVictim.event_id}'` });
    await waitFor(async () => (await chSales(chVictim)) === 0, { what: 'the ClickHouse mutation to finish' });

    const found = await reconcile();
    expect(found.code).toBe(2);
    const r = found.run.results[0]!;
    expect(r.status).toBe('differences');
    expect(r.missing.map((m) => [m.sink, m.event_id]).sort()).toEqual(
      [
        ['clickhouse', chVictim.event_id],
        ['postgres', pgVictim.event_id],
      ].sort(),
    );
    expect(r.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'postgres', measure: 'sales', store: 6, sink: 5, diff: -1 }),
        expect.objectContaining({ source: 'postgres', measure: 'sales_minor', diff: -pgVictim.total_minor }),
        expect.objectContaining({ source: 'clickhouse', measure: 'sales', store: 6, sink: 5, diff: -1 }),
        expect.objectContaining({
          source: 'clickhouse',
          measure: 'sales_minor',
          diff: -chVictim.total_minor,
        }),
      ]),
    );
    expect(r.differences.every((d) => d.source === 'postgres' || d.source === 'clickhouse')).toBe(true);

    const repaired = await reconcile('--repair');
    expect(repaired.run.results[0]).toMatchObject({
      status: 'repaired',
      repaired: { applied: { postgres: 1, clickhouse: 1 }, notInKafka: [], fromOutbox: [] },
      after: { differences: [], missing: [] },
    });
    expect(repaired.code).toBe(0);
    expect(await hqSale(pgVictim)).toEqual(pgBefore);
    expect(await chSales(chVictim)).toBe(1);

    const again = await reconcile();
    expect(again.code).toBe(0);
    expect(again.run.results[0]).toMatchObject({ status: 'clean', differences: [], missing: [] });
  });

  it('Kafka no longer holds the events (retention): --repair re-applies them from the store outbox', async () => {
    const [pgLost, chLost] = [sales[4]!, sales[5]!];
    // What retention does: the enriched topic's records are gone.
    const admin = w.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(w.topics.enriched);
    await admin.deleteTopicRecords({
      topic: w.topics.enriched,
      partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
    });
    await admin.disconnect();
    const pgBefore = await hqSale(pgLost);
    await w.hq.query(`DELETE FROM "${w.hqSchema}".hq_transactions WHERE sale_event_id = $1`, [
      pgLost.event_id,
    ]);
    await w.ch.command({ query: `ALTER TABLE sales DELETE WHERE event_id = '${chLost.event_id}'` });
    await waitFor(async () => (await chSales(chLost)) === 0, { what: 'the ClickHouse mutation to finish' });

    const repaired = await reconcile('--repair');
    const r = repaired.run.results[0]!;
    expect(r.missing.map((m) => m.event_id).sort()).toEqual([pgLost.event_id, chLost.event_id].sort());
    expect(r.repaired!.notInKafka.sort()).toEqual([pgLost.event_id, chLost.event_id].sort());
    expect(r.repaired!.fromOutbox.sort()).toEqual([pgLost.event_id, chLost.event_id].sort());
    expect(r).toMatchObject({ status: 'repaired', after: { differences: [], missing: [] } });
    expect(repaired.code).toBe(0);
    expect(await hqSale(pgLost)).toEqual(pgBefore);
    expect(await chSales(chLost)).toBe(1);
    const inbox = await w.hq.query(
      `SELECT source_partition, source_offset::int AS o FROM "${w.hqSchema}".hq_inbox WHERE event_id = $1`,
      [pgLost.event_id],
    );
    expect(inbox.rows).toEqual([{ source_partition: -1, o: -1 }]);
  });
});
