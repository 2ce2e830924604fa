import { seededRandom } from '@retail-stream/runtime';
import { startLoadLoop, waitFor } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { metricValue, posMessage } from '../test/ingest-harness.ts';
import { expectEachOnceInStoreOrder, useIngestTestBed } from '../test/fixture.ts';

const bed = useIngestTestBed();
const { config, serde } = bed;

const STORES = 40;
const PER_ROUND = 5; // events of every store per round: 200 records, one round every 400 ms

describe('ingest processor: instances joining and leaving', () => {
  it('loses and duplicates nothing going from 1 to 2 to 1 instances under load', async () => {
    const ids = await bed.prepare(4);
    // Each store's factory continues its sequence round after round; `stores` is what was sent.
    const factories = Array.from(
      { length: STORES },
      (_, i) => new StoreEventFactory(`r${i}`, seededRandom(i)),
    );
    const stores: StoreEvent[][] = factories.map(() => []);

    const a = await bed.start('a');
    const enriched = await bed.collect(config.INGEST_OUTPUT_TOPIC, 'ingest-it-rb');
    const feed = await bed.feed();
    // Load lasts until b has joined, forwarded and left again, so both hand-overs happen under
    // load by construction (not because a fixed load happened to take long enough).
    const load = startLoadLoop(
      async () => {
        const round = factories.map((f) => f.mixed(PER_ROUND));
        const records: Message[] = [];
        for (let k = 0; k < PER_ROUND; k++)
          for (const s of round) records.push(posMessage(serde, ids, s[k]!));
        await feed.send(config.INGEST_INPUT_TOPIC, records);
        round.forEach((s, i) => stores[i]!.push(...s));
      },
      { pauseMs: 400, maxRounds: 400 },
    );
    let bForwarded: number;
    try {
      await enriched.waitForCount(800, 30_000);
      const b = await bed.start('b');
      bForwarded = await waitFor(
        async () => {
          const n = await metricValue(b.metrics, 'retail_ingest_records_total', { outcome: 'forwarded' });
          return n > 0 ? n : undefined;
        },
        { timeoutMs: 30_000, what: 'instance b forwarding' },
      );
      await b.stop();
    } catch (err) {
      await load.stop().catch(() => undefined);
      throw err;
    }
    await load.stop();

    const total = stores.reduce((n, s) => n + s.length, 0);
    await enriched.waitForCount(total, 40_000);
    await expectEachOnceInStoreOrder(enriched, serde, total, stores, 'r');
    // Both instances really did work, so the hand-overs moved partitions that had records flowing.
    expect(bForwarded).toBeGreaterThan(0);
    expect(a.fatal).toEqual([]);
  });
});
