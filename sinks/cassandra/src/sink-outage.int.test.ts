import { seededRandom } from '@retail-stream/runtime';
import { TcpFaultProxy } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedProjections } from '../test/expected-projections.ts';
import { enrich } from '../test/harness.ts';
import { useSinkTestBed } from '../test/fixture.ts';

/**
 * Cassandra unreachable for 30 s while events keep arriving: the sink pauses and retries (it never
 * commits past unwritten rows) and, once Cassandra is back, the projections are exact.
 */
describe('cassandra sink: 30 s Cassandra outage under load (real Kafka + Cassandra behind a fault proxy)', () => {
  const bed = useSinkTestBed(2);
  let proxy: TcpFaultProxy;
  beforeAll(async () => {
    const [host, port] = bed.env.CASSANDRA_CONTACT_POINTS!.split(',')[0]!.split(':');
    proxy = await TcpFaultProxy.start({ host: host!, port: Number(port ?? 9042) });
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('loses nothing and commits nothing unwritten', { timeout: 150_000 }, async () => {
    const stores = Array.from({ length: 6 }, (_, i) => `u${i}`);
    const factories = stores.map((s, i) => new StoreEventFactory(s, seededRandom(900 + i)));
    const all: StoreEvent[] = [];
    const produceRound = async (perStore: number) => {
      const round = factories.flatMap((f) => f.mixed(perStore)).map((e) => enrich(e));
      all.push(...round);
      await bed.produce(round);
    };
    await produceRound(200);
    const sink = await bed.startInProcess({
      CASSANDRA_CONTACT_POINTS: proxy.address,
      CASSANDRA_TRANSLATE_ADDRESSES_TO: proxy.address,
      CASSANDRA_REQUEST_TIMEOUT_MS: '3000',
      SINK_RETRY_MAX_MS: '2000',
    });
    const retries = async () => {
      const m = await sink.metrics.getSingleMetric('retail_consumer_retries_total')?.get();
      return (m?.values ?? [])
        .filter((v) => v.labels.code === 'CASSANDRA_UNAVAILABLE')
        .reduce((s, v) => s + v.value, 0);
    };
    try {
      await bed.waitCaughtUp(45_000);

      proxy.cut();
      const cutAt = Date.now();
      // Load keeps coming during the outage.
      while (Date.now() - cutAt < 30_000) {
        await produceRound(50);
        await sleep(3_000);
      }
      expect(await retries()).toBeGreaterThan(0);
      // Nothing written, so nothing committed: the group is behind while Cassandra is away.
      await expect(bed.waitCaughtUp(1_000)).rejects.toThrow(/timed out/);
      proxy.restore();

      await bed.waitCaughtUp(60_000);
      expect(await bed.mismatches(expectedProjections(all), stores)).toEqual([]);
    } finally {
      proxy.restore();
      await sink.stop();
      await sink.close();
    }
  });
});
