import { seededRandom } from '@retail-stream/runtime';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { enrich } from './harness.ts';

/** `count` events of one store, `stepMs` apart in event time from `start`, enriched with `tz`. */
export function storeEvents(
  storeId: string,
  count: number,
  start: number,
  stepMs: number,
  tz: string | null,
  seed = 1,
): StoreEvent[] {
  // The factory reads its clock several times per event (ids too), so times are set afterwards.
  const f = new StoreEventFactory(storeId, seededRandom(seed), 1, () => start);
  return f.mixed(count).map((e, i) => enrich({ ...e, occurred_at: start + i * stepMs }, tz));
}
