import { seededRandom } from '@retail-stream/runtime';
import { expectSoleDeadLetter, TopicCollector, waitForGroupCaughtUp } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { BROKERS, countTables, enrich, expectedCounts, spawnSink, topicEnv } from '../test/harness.ts';
import { usePgSinkFixture } from '../test/fixture.ts';

/**
 * The sink kit's poison isolation against the real Postgres: one record of a batch decodes fine
 * but Postgres refuses it (text cannot hold NUL). That record alone goes to the DLQ with
 * Postgres's reason, every other record of the batch is applied, and the offsets move past it.
 */
describe('postgres sink: a record Postgres refuses inside a batch', () => {
  const hq = usePgSinkFixture({
    schemaPrefix: 'hq_poison',
    topicPrefix: 'pgsink-poison',
    eventPartitions: 1,
  });

  it('dead-letters exactly that record with the reason, writes the rest, commits past the batch', async () => {
    const good: StoreEvent[] = new StoreEventFactory('ps_store', seededRandom(41))
      .mixed(60)
      .map((e) => enrich(e));
    const refused = enrich(new StoreEventFactory('ps_refused', seededRandom(42)).sale(2));
    refused.lines[0]!.product_name = 'bad\u0000name';
    const messages = good.map((e) => hq.encoder.event(e));
    messages.splice(23, 0, hq.encoder.event(refused));
    // One produce request: the records share one Kafka batch, so the sink gets them in one fetch.
    await hq.producer.send(hq.topics.events, messages);

    const group = hq.group('group');
    const sink = spawnSink({ ...topicEnv(hq.schema, hq.topics), SINK_GROUP_ID: group });
    try {
      await waitForGroupCaughtUp(hq.kafka, group, [hq.topics.events], 40_000, () => sink.output.slice(-800));
    } finally {
      sink.child.kill('SIGTERM');
      expect(await sink.exited).toBe(0);
    }
    expect(sink.output).toContain('isolating the refused records');

    const counts = await countTables(hq.pool);
    expect(counts).toEqual({ ...expectedCounts(good), kpi_windows: 0 });
    const inbox = await hq.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM hq_inbox WHERE event_id = $1',
      [refused.event_id],
    );
    expect(Number(inbox.rows[0]!.n)).toBe(0);

    const dlq = await new TopicCollector(BROKERS, hq.topics.dlq, 'pgsink-poison-dlq').start();
    await expectSoleDeadLetter(dlq, {
      code: 'PG_DATA_REJECTED',
      sourceTopic: hq.topics.events,
      sourcePartition: 0,
      sourceOffset: '23',
      processor: 'postgres-sink',
      message: /postgres refused the data \(22/,
      value: messages[23]!.value,
    });
  }, 90_000);
});
