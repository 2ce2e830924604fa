import { ensureTopics, seededRandom } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { interleavedStores } from '../test/ingest-harness.ts';
import { expectEachOnceInStoreOrder, useIngestTestBed } from '../test/fixture.ts';

const bed = useIngestTestBed();
const { config, serde } = bed;

describe('ingest processor: crash and restart', () => {
  it('holds every event exactly once after a SIGKILL mid-stream and a restart (state restored)', async () => {
    const ids = await bed.prepare(3);
    const { stores, records: all } = interleavedStores(serde, ids, 'k', 30, 200);
    const feed = await bed.feed();
    await feed.send(config.INGEST_INPUT_TOPIC, all.slice(0, 2_000));

    // The collector needs the output topic before the service would create it.
    await ensureTopics(config.KAFKA_BROKERS, [{ topic: config.INGEST_OUTPUT_TOPIC, numPartitions: 3 }]);
    const first = bed.spawn();
    const enriched = await bed.collect(config.INGEST_OUTPUT_TOPIC, 'ingest-it-k');
    await enriched.waitForCount(500, 40_000);
    // More load while it works, then kill -9 in the middle of it.
    const sending = feed.send(config.INGEST_INPUT_TOPIC, all.slice(2_000, 4_000));
    await enriched.waitForCount(1_500, 40_000);
    await first.kill9();
    await sending;
    await feed.send(config.INGEST_INPUT_TOPIC, all.slice(4_000));

    const second = bed.spawn();
    // Re-sent old records after the restart are duplicates only the restored state can recognise.
    const random = seededRandom(3);
    const resend = all.slice(0, 4_000).filter(() => random() < 0.05);
    await feed.send(config.INGEST_INPUT_TOPIC, resend);
    await enriched.waitForCount(all.length, 50_000);
    await expectEachOnceInStoreOrder(enriched, serde, all.length, stores, 'k');
    expect(await second.stop(), second.output).toBe(0);
  });
});
