import { TopicCollector, waitFor } from '@retail-stream/runtime/testing';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import {
  enrichedMessages,
  kpiMessages,
  kpiWindow,
  rowsWritten,
  sinkEnv,
  startSink,
} from '../test/harness.ts';
import { useSinkFixture } from '../test/fixture.ts';
import { expectedCounts, expectedSales, totalRows } from '../test/expected.ts';
import { collapsedTable, inventoryMovementSums, salesTotalsByStoreDay, tableCounts } from './queries.ts';
import { TABLES, type Table } from './rows.ts';

/** Guarantee 4 for ClickHouse: everything delivered twice leaves exactly the tables of one delivery. */
describe('clickhouse sink: redelivery collapses', () => {
  const f = useSinkFixture(3);

  const dumpAll = async () => {
    const out: Partial<Record<Table, unknown[]>> = {};
    for (const t of TABLES) out[t] = await collapsedTable(f.db.client, t);
    return out;
  };

  it('the same records twice (twice on the topic, then all again by a new group): identical collapsed tables', async () => {
    const events = ['st_a', 'st_b', 'st_c'].flatMap((s, i) =>
      new StoreEventFactory(s, undefined).mixed(150 + i * 20),
    );
    const kpis = [kpiWindow({ revision: 1 }), kpiWindow({ revision: 2, gmv_minor: 250_000, orders: 2 })];
    const want = { ...expectedCounts(events), kpi_windows: 1 };
    const messages = await enrichedMessages(events);
    await f.producer.send(f.topics.events, [
      ...messages,
      { key: 'st_a', value: Buffer.from('not avro at all') },
    ]);
    await f.producer.send(f.topics.kpi, await kpiMessages(kpis));

    const env = sinkEnv(f.db.name, f.topics, { SINK_MIGRATE: 'false' });
    const first = await startSink(env);
    const countsNow = async () =>
      Object.fromEntries(Object.entries(await tableCounts(f.db.client)).map(([t, c]) => [t, c.collapsed]));
    await waitFor(async () => JSON.stringify(await countsNow()) === JSON.stringify(want), {
      timeoutMs: 30_000,
      what: 'first delivery written',
    });
    await first.stop();
    const once = await dumpAll();

    // Delivery number two: every record again on the topic, and a new group re-reading all of it.
    await f.producer.send(f.topics.events, messages);
    await f.producer.send(f.topics.kpi, await kpiMessages(kpis));
    const second = await startSink({ ...env, SINK_GROUP_ID: `${env.SINK_GROUP_ID}-again` });
    const written = async () => rowsWritten(await second.metricsText());
    // Two copies of every record on the topic: the new group writes each row twice more.
    const everyCopy = 2 * (totalRows(want) - 1) + 2 * kpis.length;
    await waitFor(async () => (await written()) >= everyCopy, {
      timeoutMs: 30_000,
      what: `${everyCopy} rows rewritten`,
    });
    await second.stop();

    expect(await written()).toBe(everyCopy);
    expect(await dumpAll()).toEqual(once);
    expect(await countsNow()).toEqual(want);

    // And the collapsed reads agree with the events themselves.
    const sales = expectedSales(events);
    const byStore = new Map<string, { orders: number; total: number }>();
    for (const r of await salesTotalsByStoreDay(f.db.client)) {
      const s = byStore.get(r.store_id) ?? { orders: 0, total: 0 };
      s.orders += r.orders;
      s.total += r.total_minor;
      byStore.set(r.store_id, s);
    }
    expect(byStore).toEqual(sales);
    const stock = await inventoryMovementSums(f.db.client, { storeIds: ['st_a'] });
    const wantDelta = new Map<string, number>();
    for (const e of events) {
      if (e.store_id !== 'st_a' || !('stock' in e)) continue;
      for (const s of e.stock) wantDelta.set(s.sku, (wantDelta.get(s.sku) ?? 0) + s.delta);
    }
    expect(new Map(stock.map((s) => [s.sku, s.delta_sum]))).toEqual(wantDelta);

    // The poison record went to the DLQ with its reason, and did not stop the pipeline.
    const dlq = await new TopicCollector(
      [...env.KAFKA_BROKERS!.split(',')],
      f.topics.dlq,
      'chsink-dlq',
    ).start();
    try {
      await dlq.waitForCount(1);
      expect(dlq.messages[0]!.headers['dlq.error.code']).toBe('NOT_WIRE_FORMAT');
      expect(dlq.messages[0]!.headers['dlq.processor']).toBe('clickhouse-sink');
      expect(dlq.messages[0]!.value.toString()).toBe('not avro at all');
    } finally {
      await dlq.stop();
    }
  }, 90_000);
});
