import { seededRandom } from '@retail-stream/runtime';
import { TopicCollector, waitFor, waitForGroupCaughtUp } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BROKERS,
  countTables,
  dumpTables,
  enrich,
  expectedCounts,
  kpiRecord,
  spawnSink,
  topicEnv,
} from '../test/harness.ts';
import { usePgSinkFixture } from '../test/fixture.ts';

/**
 * Guarantee 4 for the Postgres sink, through the real process: a whole topic consumed once, then
 * consumed again from the start by a second consumer group (every batch delivered twice), must
 * leave every table byte-for-byte identical; poison records go to the DLQ and do not stop it.
 */
describe('postgres sink: redelivery', () => {
  const hq = usePgSinkFixture({ topicPrefix: 'pgsink', eventPartitions: 3 });
  const events: StoreEvent[] = [];

  beforeAll(() => {
    for (let s = 0; s < 6; s++) {
      const f = new StoreEventFactory(`rd_store_${s}`, seededRandom(100 + s));
      events.push(...f.mixed(250).map((e) => enrich(e)));
    }
  });

  it('consumes everything once, dead-letters poison and refused records, and a full second delivery changes nothing', async () => {
    const messages = events.map((e) => hq.encoder.event(e));
    // Poison: not Confluent wire format, and a wire-format record with an unknown schema id.
    messages.splice(100, 0, { key: 'rd_store_0', value: Buffer.from('not avro at all') });
    messages.splice(700, 0, { key: 'rd_store_1', value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]) });
    // Valid Avro that Postgres refuses (text cannot hold NUL): the batch falls back to one record
    // per transaction and only this record is dead-lettered.
    const refused = enrich(new StoreEventFactory('rd_refused', seededRandom(5)).sale(3));
    refused.lines[0]!.product_name = 'bad\u0000name';
    messages.splice(1_200, 0, hq.encoder.event(refused));
    await hq.producer.send(hq.topics.events, messages);
    const kpis = [
      kpiRecord({ revision: 1, gmv_minor: 1 }),
      kpiRecord({ revision: 3, gmv_minor: 3 }),
      kpiRecord({ revision: 2, gmv_minor: 2 }),
      kpiRecord({ scope: 'store:rd_store_0', store_id: 'rd_store_0', revision: 1 }),
    ];
    await hq.producer.send(hq.topics.kpi, kpis.map(hq.encoder.kpi));

    const env = topicEnv(hq.schema, hq.topics);
    const first = spawnSink({ ...env, SINK_GROUP_ID: hq.group('a') });
    const expected = expectedCounts(events);
    try {
      await waitFor(
        async () => {
          const c = await countTables(hq.pool);
          return c.hq_inbox === events.length && c.kpi_windows === 2;
        },
        { timeoutMs: 40_000, what: `all events applied (${first.output.slice(-500)})` },
      );
    } finally {
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    }
    const counts = await countTables(hq.pool);
    expect(counts).toEqual({ ...expected, kpi_windows: 2 });
    const totals = await hq.pool.query<{ n: string }>('SELECT sum(events_total) AS n FROM stores');
    expect(Number(totals.rows[0]!.n)).toBe(events.length);
    const kpi = await hq.pool.query("SELECT revision, gmv_minor FROM kpi_windows WHERE scope = 'chain'");
    expect(kpi.rows).toEqual([{ revision: 3, gmv_minor: '3' }]);

    const dlq = await new TopicCollector(BROKERS, hq.topics.dlq, 'pgsink-dlq-reader').start();
    await dlq.waitForCount(3);
    expect(dlq.messages.map((m) => m.headers['dlq.error.code']).sort()).toEqual([
      'NOT_WIRE_FORMAT',
      'PG_DATA_REJECTED',
      'UNKNOWN_SCHEMA',
    ]);
    expect(dlq.messages.every((m) => m.headers['dlq.processor'] === 'postgres-sink')).toBe(true);
    await dlq.stop();

    const before = await dumpTables(hq.pool);
    // Second delivery of every batch: a new group reads both topics from the beginning.
    const groupB = hq.group('b');
    const second = spawnSink({ ...env, SINK_GROUP_ID: groupB });
    try {
      await waitForGroupCaughtUp(hq.kafka, groupB, [hq.topics.events, hq.topics.kpi], 40_000, () =>
        second.output.slice(-500),
      );
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    expect(await dumpTables(hq.pool)).toEqual(before);
  }, 110_000);
});
