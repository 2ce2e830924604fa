import { seededRandom } from '@retail-stream/runtime';
import { expectSoleDeadLetter, TopicCollector } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { expectedProjections } from '../test/expected-projections.ts';
import { enrich } from '../test/harness.ts';
import { useSinkTestBed } from '../test/fixture.ts';
import { transactionById } from './queries.ts';

/**
 * The sink kit's poison isolation against the real Cassandra: one record of a batch decodes and
 * plans fine but Cassandra refuses it (a transaction_id longer than the 64 KiB a key may have).
 * That record alone goes to the DLQ with Cassandra's reason, every other record of the batch is
 * projected, and the offsets move past it.
 */
describe('cassandra sink: a record Cassandra refuses inside a batch (real Kafka + Cassandra)', () => {
  const bed = useSinkTestBed(1);

  it('dead-letters exactly that record with the reason, writes the rest, commits past the batch', async () => {
    const good: StoreEvent[] = new StoreEventFactory('cq_good', seededRandom(61))
      .mixed(60)
      .map((e) => enrich(e));
    const refused = enrich(new StoreEventFactory('cq_refused', seededRandom(62)).sale(2));
    refused.transaction_id = 't'.repeat(70_000);
    const messages = good.map((e) => bed.record(e));
    const refusedMessage = bed.record(refused);
    messages.splice(23, 0, refusedMessage);
    // One produce request: the records share one Kafka batch, so the sink gets them in one fetch.
    await bed.produceRaw(messages);

    const dlq = await new TopicCollector(bed.brokers, bed.dlqTopic, 'cs-poison-dlq').start();
    const sink = await bed.startInProcess();
    try {
      await bed.waitCaughtUp(45_000);
    } finally {
      await sink.stop();
      await sink.close();
    }
    expect(await bed.mismatches(expectedProjections(good), ['cq_good'])).toEqual([]);
    expect(
      await transactionById(
        bed.client,
        bed.keyspace,
        good.find((e) => 'transaction_id' in e)!.transaction_id!,
        'cq_good',
      ),
    ).toBeTruthy();
    const deadLetters = await sink.metrics.getSingleMetricAsString('retail_sink_dead_letters_total');
    expect(deadLetters).toMatch(/code="CASSANDRA_DATA_REJECTED"[^}]*\} 1/);

    await expectSoleDeadLetter(dlq, {
      code: 'CASSANDRA_DATA_REJECTED',
      sourceTopic: bed.topic,
      sourcePartition: 0,
      sourceOffset: '23',
      processor: 'cassandra-sink',
      message: /Key length of \d+ is longer than maximum/,
      value: refusedMessage.value,
    });
  }, 90_000);
});
