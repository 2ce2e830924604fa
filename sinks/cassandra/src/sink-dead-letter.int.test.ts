import { readDeadLetter, seededRandom } from '@retail-stream/runtime';
import { TopicCollector } from '@retail-stream/runtime/testing';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { enrich } from '../test/harness.ts';
import { useSinkTestBed } from '../test/fixture.ts';
import { transactionById } from './queries.ts';

/** Guarantee 6 for the Cassandra sink: bad input is rejected with a reason and never stops it. */
describe('cassandra sink: dead letters (real Kafka + Cassandra)', () => {
  const bed = useSinkTestBed(2);

  it('dead-letters records that can never be written, with the reason, and keeps going', async () => {
    const dlq = await new TopicCollector(bed.brokers, bed.dlqTopic, 'cs-dlq-test').start();
    const f = new StoreEventFactory('d1', seededRandom(3));
    const good = enrich(f.sale(2));
    await bed.produceRaw([
      { key: 'd1', value: Buffer.from('not avro at all'), headers: { event_type: 'SaleRecorded' } },
      { ...bed.record(good), key: 'someone-else' },
      bed.record(good),
    ]);
    const sink = await bed.startInProcess({ SINK_GROUP_ID: `${bed.groupId}-dlq` });
    await bed.waitCaughtUp(45_000, `${bed.groupId}-dlq`);
    await sink.stop();
    await sink.close();
    await dlq.waitForCount(2);
    await dlq.stop();
    const reasons = dlq.messages
      .map((m) => readDeadLetter(Object.fromEntries(Object.entries(m.headers)))?.code)
      .sort();
    expect(reasons).toEqual(['KEY_MISMATCH', 'NOT_WIRE_FORMAT']);
    expect(dlq.messages.find((m) => m.key === 'd1')?.value.toString()).toBe('not avro at all');
    expect((await transactionById(bed.client, bed.keyspace, good.transaction_id, 'd1'))?.status).toBe('PAID');
  });
});
