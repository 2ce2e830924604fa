import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '@retail-stream/runtime';
import { groupCaughtUp, waitFor } from '@retail-stream/runtime/testing';
import type { KpiWindowUpdated } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { BROKERS, enrich, exactOf, latestWindows, useKpiTestBed } from '../test/harness.ts';
import type { TopicCollector } from '../test/harness.ts';

const kpi = useKpiTestBed();

const T0 = Date.parse('2026-03-11T05:00:00Z');
const INTERVAL_MS = 4_000;

/** Two sales of a store, 1 s apart in event time (same minute). */
function sales(storeId: string, seed: number) {
  const f = new StoreEventFactory(storeId, seededRandom(seed), 1, () => T0);
  return [f.sale(2), f.sale(3)].map((e, i) => enrich({ ...e, occurred_at: T0 + i * 1_000 }));
}

async function storeM1(collector: TopicCollector, storeId: string): Promise<KpiWindowUpdated | undefined> {
  return (await latestWindows(collector.messages)).latest.get(`store:${storeId}|M1|${T0}`);
}

describe('kpi windows: throttled updates', () => {
  it("a due update goes out with its partition's next batch, without its store's next event or a flush tick", async () => {
    // No flush tick during the test: only a batch can publish the throttled update.
    const { env, input, output } = await kpi.setup(1, {
      KPI_EMIT_INTERVAL_MS: String(INTERVAL_MS),
      KPI_FLUSH_TICK_MS: '600000',
    });
    const [a1, a2] = sales('kt-a', 7);
    const [b1] = sales('kt-b', 8);
    const collector = await kpi.collect(output, 'kpi-throttle');
    const writer = kpi.writerTo(input);
    await kpi.start(env);
    const group = env.KPI_GROUP_ID!;

    // A window's first change is published at once.
    await writer.send([a1!]);
    await waitFor(async () => (await storeM1(collector, 'kt-a'))?.revision === 1, { what: 'A rev 1' });
    const firstSeenAt = Date.now();
    // The second sale comes within the interval: held back, and its batch is committed without it.
    await writer.send([a2!]);
    await waitFor(() => groupCaughtUp(BROKERS, group, [input]), { what: 'A’s second sale committed' });
    expect(Date.now() - firstSeenAt).toBeLessThan(INTERVAL_MS);
    expect(await storeM1(collector, 'kt-a')).toMatchObject({ revision: 1, orders: 1 });

    // Once it is due, another store's event in the same partition carries it out.
    await sleep(Math.max(0, firstSeenAt + INTERVAL_MS + 200 - Date.now()));
    await writer.send([b1!]);
    await waitFor(() => groupCaughtUp(BROKERS, group, [input]), { what: 'B’s sale committed' });
    await waitFor(async () => (await storeM1(collector, 'kt-b'))?.revision === 1, { what: 'B rev 1' });
    await waitFor(async () => (await storeM1(collector, 'kt-a'))?.revision === 2, {
      what: 'A rev 2 published with B’s batch',
      timeoutMs: 5_000,
    });
    const exact = exactOf([a1!, a2!]).get(`store:kt-a|M1|${T0}`)!;
    expect(await storeM1(collector, 'kt-a')).toMatchObject({
      revision: 2,
      orders: 2,
      gmv_minor: exact.m.gmv_minor,
    });
  });
});
