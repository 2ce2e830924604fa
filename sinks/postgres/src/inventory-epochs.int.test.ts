import { randomUUID } from 'node:crypto';
import { seededRandom } from '@retail-stream/runtime';
import type { InventoryAdjusted } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { Teardowns } from '@retail-stream/runtime/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStoreEvents, inTransaction } from './batch-writer.ts';
import type { SourcedEvent } from './event-rows.ts';
import { enrich, testHqSchema } from '../test/harness.ts';

/**
 * A store database rebuilt from scratch restarts store_seq at 1 under a new epoch (issue 13, item
 * 3). hq_inventory kept "the highest store_seq wins", so the new database's stock changes were
 * ignored until its sequence passed the old one's. Within an epoch store_seq still decides; across
 * epochs the later change (occurred_at) does.
 */
describe('postgres sink: hq_inventory across store epochs', () => {
  const teardowns = new Teardowns();
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = teardowns.add(await testHqSchema('hq_inv_epoch'), (s) => s.drop()).pool;
  });
  afterAll(() => teardowns.run());

  it("a rebuilt store database's stock changes apply from its store_seq 1; a late change of the old epoch does not win", async () => {
    const [epochA, epochB] = [randomUUID(), randomUUID()];
    const t0 = Date.UTC(2026, 11, 6, 8);
    const old = new StoreEventFactory('inv_ep', seededRandom(3), 1, () => t0);
    const before = Array.from({ length: 5 }, () => enrich(old.adjustment()));
    let offset = 0;
    const sourced = (e: InventoryAdjusted, epoch: string): SourcedEvent => ({
      event: e,
      partition: 0,
      offset: String(offset++),
      epoch,
    });
    const apply = (...b: SourcedEvent[]) => inTransaction(pool, (c) => applyStoreEvents(c, b, 'json'));
    const row = async (sku: string) =>
      (
        await pool.query<{ on_hand: number; last_store_seq: string; store_epoch: string }>(
          'SELECT on_hand, last_store_seq, store_epoch FROM hq_inventory WHERE store_id = $1 AND sku = $2',
          ['inv_ep', sku],
        )
      ).rows[0];

    await apply(...before.map((e) => sourced(e, epochA)));
    const last = before[4]!;
    const sku = last.stock[0]!.sku;
    expect(await row(sku)).toEqual({
      on_hand: last.stock[0]!.on_hand_after,
      last_store_seq: '5',
      store_epoch: epochA,
    });

    // The rebuilt database counts the shelf an hour later: store_seq 1 of epoch B.
    const change = (e: InventoryAdjusted, seq: number, at: number, onHand: number): InventoryAdjusted => ({
      ...e,
      event_id: randomUUID(),
      store_seq: seq,
      occurred_at: at,
      stock: [{ ...e.stock[0]!, on_hand_after: onHand }],
    });
    await apply(sourced(change(last, 1, t0 + 3_600_000, 777), epochB));
    expect(await row(sku)).toEqual({ on_hand: 777, last_store_seq: '1', store_epoch: epochB });

    // A change of the old epoch that happened before (a late redelivery): higher store_seq, loses.
    await apply(sourced(change(last, 6, t0 + 60_000, 5), epochA));
    expect(await row(sku)).toEqual({ on_hand: 777, last_store_seq: '1', store_epoch: epochB });

    // Within epoch B, store_seq decides as before, whatever the order of arrival.
    await apply(sourced(change(last, 3, t0 + 3_700_000, 300), epochB));
    await apply(sourced(change(last, 2, t0 + 3_650_000, 200), epochB));
    expect(await row(sku)).toEqual({ on_hand: 300, last_store_seq: '3', store_epoch: epochB });
  });
});
