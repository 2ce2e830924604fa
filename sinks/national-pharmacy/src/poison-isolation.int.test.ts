import { expectSoleDeadLetter, TopicCollector } from '@retail-stream/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsFor, SyncTestBed } from '../test/harness.ts';
import { lot, PharmacyEvents } from '../test/pharmacy-events.ts';

/**
 * The sink kit's poison isolation against the real Postgres: one sale of a batch decodes and maps
 * fine, but Postgres refuses its document (jsonb cannot hold NUL). That record alone goes to the
 * DLQ with Postgres's reason; every other document of the batch is recorded (and sent).
 */
const bed = new SyncTestBed(accountsFor(['CS-POISON']));
const ev = new PharmacyEvents({ storeId: 'S-POISON', maCoSo: 'CS-POISON' });

beforeAll(async () => {
  await bed.setup({}, 1);
}, 120_000);
afterAll(() => bed.teardown(), 60_000);

describe('national sync: a document Postgres refuses inside a batch', () => {
  it('dead-letters exactly that record with the reason, records and sends the rest', async () => {
    const sales = Array.from({ length: 30 }, (_, i) => ev.sale([['MED-PARA', 1, 1000 + i, [lot('L1', 1)]]]));
    sales[12]!.lines[0]!.product_name = 'bad\u0000name';
    const messages = bed.messages(sales);
    const sync = await bed.startInProcess();
    // One produce request: the records share one Kafka batch.
    await bed.produceRaw(messages);
    await bed.caughtUp();
    const docs = await bed.settled(29);
    expect(docs.every((d) => d.status === 'SYNC_SUCCESS')).toBe(true);
    expect(docs.map((d) => d.local_id)).not.toContain(sales[12]!.transaction_id);
    expect(bed.mock.documents()).toHaveLength(29);
    await sync.stop();

    const dlq = await new TopicCollector(bed.brokers, bed.dlqTopic, 'np-sync-poison-dlq').start();
    try {
      await expectSoleDeadLetter(dlq, {
        code: 'PG_DATA_REJECTED',
        sourceTopic: bed.topic,
        sourcePartition: 0,
        sourceOffset: '12',
        processor: 'national-pharmacy-sync',
        message: /postgres refused the data \(22/,
        value: messages[12]!.value as Buffer,
      });
    } finally {
      await dlq.stop();
    }
  }, 120_000);
});
