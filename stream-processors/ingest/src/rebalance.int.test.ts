import { decodeAll, waitFor } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { interleavedStores, metricValue } from '../test/ingest-harness.ts';
import { useIngestTestBed } from '../test/fixture.ts';

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
    await enriched.settled(2_000);

    const out = await decodeAll<StoreEvent>(serde, enriched.messages);
    expect(out).toHaveLength(all.length);
    expect(new Set(out.map((e) => e.event_id)).size).toBe(all.length);
    for (const [i, s] of stores.entries()) {
      expect(out.filter((e) => e.store_id === `r${i}`).map((e) => e.store_seq)).toEqual(
        s.map((e) => e.store_seq),
      );
    }
    // Both instances really did work, so the hand-overs happened under load.
    expect(bForwarded).toBeGreaterThan(0);
    expect(a.fatal).toEqual([]);
  });
});
