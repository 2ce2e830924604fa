import { seededRandom } from '@retail-stream/runtime';
import type { SaleRecorded, StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { Teardowns } from '@retail-stream/runtime/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStoreEvents, inTransaction } from './batch-writer.ts';
import type { SourcedEvent } from './event-rows.ts';
import { dumpTables, enrich, testHqSchema } from '../test/harness.ts';

/**
 * Voids and refunds change a sale that may have been applied in an earlier batch, or (after a
 * replay from an older offset, or a record redelivered out of order) not yet at all. Two real
 * schemas get the same events: one in store order in separate batches, one shuffled with every
 * batch redelivered; their tables must end up equal, with the expected sale states.
 */
describe('postgres sink: void and refund in later batches, redelivered out of order', () => {
  const teardowns = new Teardowns();
  let poolA: pg.Pool;
  let poolB: pg.Pool;

  beforeAll(async () => {
    poolA = teardowns.add(await testHqSchema('hq_order_a'), (s) => s.drop()).pool;
    poolB = teardowns.add(await testHqSchema('hq_order_b'), (s) => s.drop()).pool;
  });
  afterAll(() => teardowns.run());

  it('ends in the same state as in-order application, with voids and refunds applied once', async () => {
    const f = new StoreEventFactory('ooo_store', seededRandom(7));
    const sale1 = enrich(f.sale(4));
    const pay1 = enrich(f.paymentCaptured(sale1));
    const sale2 = enrich(f.sale(3));
    const failed2 = enrich(f.paymentFailed(sale2));
    const pay2 = enrich(f.paymentCaptured(sale2));
    const void1 = enrich(f.void(sale1));
    const refund2a = enrich(f.refund(sale2));
    const refund2b = enrich(f.refund(sale2));
    const sale3 = enrich(f.sale(3));
    const void3 = enrich(f.void(sale3));
    const receipt = enrich(f.goodsReceived());
    const adjust = enrich(f.adjustment());
    const all: StoreEvent[] = [
      sale1,
      pay1,
      sale2,
      failed2,
      pay2,
      void1,
      refund2a,
      refund2b,
      sale3,
      void3,
      receipt,
      adjust,
    ];
    const src = new Map(
      all.map((e, i): [string, SourcedEvent] => [e.event_id, { event: e, partition: 0, offset: String(i) }]),
    );
    const batch = (...es: StoreEvent[]) => es.map((e) => src.get(e.event_id)!);
    // A writes with JSON recordsets, B with per-column UNNEST arrays: equal dumps also prove the two equivalent.
    const apply = (pool: pg.Pool, b: SourcedEvent[]) =>
      inTransaction(pool, (c) => applyStoreEvents(c, b, pool === poolA ? 'json' : 'unnest'));

    // A: store order; the void and each refund in a later batch than their sale; sale3+void3 together.
    for (const b of [
      batch(sale1, pay1, sale2, failed2, pay2),
      batch(void1),
      batch(refund2a),
      batch(refund2b),
      batch(sale3, void3, receipt, adjust),
    ]) {
      await apply(poolA, b);
    }

    // B: later events first, every batch delivered twice, overlapping batches.
    const b1 = batch(void1, refund2b, adjust);
    const b2 = batch(refund2a, sale2, receipt);
    const b3 = batch(void3, pay2, failed2);
    const b4 = batch(sale1, pay1, sale3, sale2, refund2b);
    const results = [];
    for (const b of [b1, b1, b2, b3, b2, b4, b3, b4, b1]) results.push(await apply(poolB, b));
    expect(results.reduce((n, r) => n + r.applied, 0)).toBe(all.length);

    expect(await dumpTables(poolB, { withoutProcessingTime: true })).toEqual(
      await dumpTables(poolA, { withoutProcessingTime: true }),
    );

    const { rows } = await poolB.query<{
      transaction_id: string;
      status: string;
      total_minor: string;
      voided_minor: string | null;
      refunded_minor: string;
      refund_count: number;
    }>(
      'SELECT transaction_id, status, total_minor, voided_minor, refunded_minor, refund_count FROM hq_transactions',
    );
    const byId = new Map(rows.map((r) => [r.transaction_id, r]));
    const t = (s: SaleRecorded) => byId.get(s.transaction_id)!;
    expect(rows).toHaveLength(3);
    expect(t(sale1)).toMatchObject({
      status: 'VOIDED',
      voided_minor: String(sale1.total_minor),
      refunded_minor: '0',
    });
    expect(t(sale2)).toMatchObject({
      status: 'PAID',
      total_minor: String(sale2.total_minor),
      voided_minor: null,
      refunded_minor: String(
        refund2a.event_type === 'SaleRefunded' && refund2b.event_type === 'SaleRefunded'
          ? refund2a.amount_minor + refund2b.amount_minor
          : 0,
      ),
      refund_count: 2,
    });
    expect(t(sale3)).toMatchObject({ status: 'VOIDED', voided_minor: String(sale3.total_minor) });

    // Inventory: per SKU the on_hand_after of the highest store_seq that touched it.
    const lastBySku = new Map<string, { seq: number; onHand: number }>();
    for (const e of all) {
      for (const s of 'stock' in e ? e.stock : []) {
        const prev = lastBySku.get(s.sku);
        if (!prev || e.store_seq > prev.seq)
          lastBySku.set(s.sku, { seq: e.store_seq, onHand: s.on_hand_after });
      }
    }
    const inv = await poolB.query<{ sku: string; on_hand: number; last_store_seq: string }>(
      'SELECT sku, on_hand, last_store_seq FROM hq_inventory',
    );
    expect(
      new Map(inv.rows.map((r) => [r.sku, { seq: Number(r.last_store_seq), onHand: r.on_hand }])),
    ).toEqual(lastBySku);
    const store = await poolB.query('SELECT events_total, last_store_seq, name, timezone FROM stores');
    expect(store.rows).toEqual([
      {
        events_total: String(all.length),
        last_store_seq: String(adjust.store_seq),
        name: 'Store ooo_store',
        timezone: 'Asia/Ho_Chi_Minh',
      },
    ]);
  });
});
