import { seededRandom } from '@retail-stream/runtime';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { expectedProjections } from '../test/expected-projections.ts';
import { enrich } from '../test/harness.ts';
import { useSinkTestBed } from '../test/fixture.ts';
import { transactionById, salesOfStoreDay } from './queries.ts';

/** Guarantee 4 for the Cassandra sink: redelivery and reordering leave "each event applied once". */
describe('cassandra sink: replay and out-of-order redelivery (real Kafka + Cassandra)', () => {
  const bed = useSinkTestBed(2);

  it('gives identical projections when the same records are delivered twice', async () => {
    const stores = ['r1', 'r2', 'r3'];
    const events = stores
      .flatMap((s, i) => new StoreEventFactory(s, seededRandom(100 + i)).mixed(400))
      .map((e) => enrich(e));
    await bed.produce(events);
    const sink = await bed.startInProcess();
    await bed.waitCaughtUp();
    await sink.stop();
    const first = await bed.snapshot();
    expect(await bed.mismatches(expectedProjections(events), stores)).toEqual([]);

    // A new consumer group re-reads the whole topic: every record is delivered a second time.
    const again = await bed.startInProcess({ SINK_GROUP_ID: `${bed.groupId}-again` });
    await bed.waitCaughtUp(45_000, `${bed.groupId}-again`);
    await again.stop();
    await again.close();
    await sink.close();
    const second = await bed.snapshot();
    expect(second.length).toBe(first.length);
    expect(second).toEqual(first);
    const rowsWritten = await again.metrics.getSingleMetricAsString('retail_sink_rows_written_total');
    expect(rowsWritten).toMatch(/table="transaction_by_id_and_store"/);
  });

  it('shows the newest state when older events arrive after newer ones (void before its sale, replays)', async () => {
    const f = new StoreEventFactory('o1', seededRandom(9));
    const saleA = f.sale(3);
    const payA = f.paymentCaptured(saleA);
    const voidA = f.void(saleA);
    const saleB = f.sale(2);
    const failB = f.paymentFailed(saleB);
    const payB = f.paymentCaptured(saleB);
    const refundB = f.refund(saleB);
    const receipt = f.goodsReceived();
    const adjust = f.adjustment();
    const inOrder: StoreEvent[] = [saleA, payA, voidA, saleB, failB, payB, refundB, receipt, adjust].map(
      (e) => enrich(e),
    );
    const group = `${bed.groupId}-ooo`;
    const sink = await bed.startInProcess({ SINK_GROUP_ID: group });
    // Newest first, one record per consumed batch, so each later-arriving older event meets the
    // state the newer ones left (the void is written before its sale, refunds before the sale).
    for (const e of [...inOrder].reverse()) {
      await bed.produce([e]);
      await bed.waitCaughtUp(20_000, group);
    }
    expect(await bed.mismatches(expectedProjections(inOrder), ['o1'])).toEqual([]);
    // Then the whole history again in order, and two old ones once more.
    await bed.produce(inOrder);
    await bed.produce([inOrder[0]!, inOrder[3]!]);
    await bed.waitCaughtUp(45_000, group);
    await sink.stop();
    await sink.close();

    expect(await bed.mismatches(expectedProjections(inOrder), ['o1'])).toEqual([]);
    const a = await transactionById(bed.client, bed.keyspace, saleA.transaction_id, 'o1');
    expect(a?.status).toBe('VOIDED');
    expect(a?.totalMinor).toBe(saleA.total_minor);
    const b = await transactionById(bed.client, bed.keyspace, saleB.transaction_id, 'o1');
    expect(b?.status).toBe('PAID');
    expect(b?.refundedMinor).toBe(refundB.amount_minor);
    expect(b?.payments.map((p) => p.status).sort()).toEqual(['CAPTURED', 'FAILED']);
    const day = await salesOfStoreDay(bed.client, bed.keyspace, 'o1', a!.day!);
    expect(day.find((s) => s.transactionId === saleA.transaction_id)?.status).toBe('VOIDED');
    expect(day.find((s) => s.transactionId === saleB.transaction_id)?.refundedMinor).toBe(
      refundB.amount_minor,
    );
  });
});
