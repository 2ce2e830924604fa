import { seededRandom } from '@retail-stream/runtime';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { CrossStoreEventError, refuseCrossStoreCopies } from './cross-store-ids.ts';
import type { SourcedEvent } from './tables/inbox.ts';
import { classifyPgWrite } from './writer.ts';

const sourced = (events: SourcedEvent['event'][]): SourcedEvent[] =>
  events.map((event, i) => ({ event, partition: 0, offset: String(i) }));

describe('refuseCrossStoreCopies', () => {
  const a = new StoreEventFactory('store_a', seededRandom(1));
  const b = new StoreEventFactory('store_b', seededRandom(2));

  it("refuses a batch where store B's event carries the id of store A's event", () => {
    const saleA = a.sale(2);
    const forged = { ...b.sale(1), event_id: saleA.event_id };
    let caught: unknown;
    try {
      refuseCrossStoreCopies(sourced([saleA, forged]));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CrossStoreEventError);
    expect((caught as Error).message).toBe(
      `event ${saleA.event_id} from store store_b is already recorded for store store_a`,
    );
    expect(classifyPgWrite(caught)).toEqual({ kind: 'poison', code: 'CROSS_STORE_EVENT_ID' });
  });

  it("lets a store's own redelivered copy through (the inbox skips it)", () => {
    const saleA = a.sale(2);
    expect(() => refuseCrossStoreCopies(sourced([saleA, saleA, a.sale(1)]))).not.toThrow();
  });
});
