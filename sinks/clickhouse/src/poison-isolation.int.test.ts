import { seededRandom } from '@retail-stream/runtime';
import { expectSoleDeadLetter, TopicCollector, waitForGroupCaughtUp } from '@retail-stream/runtime/testing';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { expectedCounts } from '../test/expected.ts';
import { BROKERS, enrichedMessages, sinkEnv, startSink } from '../test/harness.ts';
import { useSinkFixture } from '../test/fixture.ts';
import { tableCounts } from './queries.ts';

/**
 * The sink kit's poison isolation against the real ClickHouse: one record of a batch decodes, maps
 * and encodes fine but ClickHouse refuses its row: this test's own database checks sales.currency
 * with a throwIf in a MATERIALIZED column (18.16 has no CHECK constraints), and the record's
 * currency has five letters. That record alone goes to the DLQ with ClickHouse's reason, every
 * other record of the batch is written, and the offsets move past it.
 */
describe('clickhouse sink: a row ClickHouse refuses inside a batch', () => {
  const f = useSinkFixture(1);

  it('dead-letters exactly that record with the reason, writes the rest, commits past the batch', async () => {
    const good = new StoreEventFactory('cp_good', seededRandom(51)).mixed(60);
    const refused = { ...new StoreEventFactory('cp_refused', seededRandom(52)).sale(2), currency: 'VNDXX' };
    await f.db.client.command({
      query: 'ALTER TABLE sales ADD COLUMN currency_check UInt8 MATERIALIZED throwIf(length(currency) != 3)',
    });
    const messages = await enrichedMessages(good);
    const [refusedMessage] = await enrichedMessages([refused]);
    messages.splice(23, 0, refusedMessage!);
    // One send: the records share one Kafka batch, so the sink gets them in one fetch.
    await f.producer.send(f.topics.events, messages, messages.length);

    const env = sinkEnv(f.db.name, f.topics, { SINK_MIGRATE: 'false' });
    const sink = await startSink(env);
    try {
      await waitForGroupCaughtUp(BROKERS, env.SINK_GROUP_ID!, [f.topics.events], 40_000);
      const metrics = await sink.metricsText();
      expect(metrics).toMatch(
        /retail_sink_dead_letters_total\{[^}]*code="CLICKHOUSE_DATA_REJECTED"[^}]*\} 1/,
      );
    } finally {
      await sink.stop();
    }

    const counts = await tableCounts(f.db.client, { storeIds: ['cp_good'] });
    const collapsed = Object.fromEntries(Object.entries(counts).map(([t, c]) => [t, c.collapsed]));
    expect(collapsed).toEqual({ ...expectedCounts(good), kpi_windows: 0 });
    expect((await tableCounts(f.db.client, { storeIds: ['cp_refused'] })).sales.raw).toBe(0);

    const dlq = await new TopicCollector(BROKERS, f.topics.dlq, 'chsink-poison-dlq').start();
    await expectSoleDeadLetter(dlq, {
      code: 'CLICKHOUSE_DATA_REJECTED',
      sourceTopic: f.topics.events,
      sourcePartition: 0,
      sourceOffset: '23',
      processor: 'clickhouse-sink',
      message: /insert into sales: .*Value passed to 'throwIf' function is non zero/,
      value: refusedMessage!.value,
    });
  }, 90_000);
});
