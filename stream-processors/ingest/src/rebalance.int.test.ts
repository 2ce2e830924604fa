import { waitFor } from '@retail-stream/runtime/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { interleavedStores, metricValue } from '../test/ingest-harness.ts';
import { expectEachOnceInStoreOrder, useIngestTestBed } from '../test/fixture.ts';

const bed = useIngestTestBed();
const { config, serde } = bed;

describe('ingest processor: instances joining and leaving', () => {
  it('loses and duplicates nothing going from 1 to 2 to 1 instances under load', async () => {
    const ids = await bed.prepare(4);
    const { stores, records: all } = interleavedStores(serde, ids, 'r', 40, 150);

    const a = await bed.start('a');
    const enriched = await bed.collect(config.INGEST_OUTPUT_TOPIC, 'ingest-it-rb');
    const feed = await bed.feed();
    // Steady load in small chunks for the whole test.
    let loadDone = false;
    const load = (async () => {
      for (let i = 0; i < all.length; i += 200) {
        await feed.send(config.INGEST_INPUT_TOPIC, all.slice(i, i + 200));
        await sleep(400);
      }
      loadDone = true;
    })();
    await enriched.waitForCount(800, 30_000);
    const b = await bed.start('b');
    const bForwarded = await waitFor(
      async () => {
        const n = await metricValue(b.metrics, 'retail_ingest_records_total', { outcome: 'forwarded' });
        return n > 0 ? n : undefined;
      },
      { timeoutMs: 30_000, what: 'instance b forwarding' },
    );
    expect(loadDone, 'b leaves while the load is still running').toBe(false);
    await b.stop();
    await load;
    await enriched.waitForCount(all.length, 40_000);
    await expectEachOnceInStoreOrder(enriched, serde, all.length, stores, 'r');
    // Both instances really did work, so the hand-overs happened under load.
    expect(bForwarded).toBeGreaterThan(0);
    expect(a.fatal).toEqual([]);
  });
});
