import { setTimeout as sleep } from 'node:timers/promises';
import {
  TcpFaultProxy,
  waitFor,
  waitForGroupCaughtUp,
  type ServiceProcess,
} from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTables, expectedCounts, PG_URL, spawnSink, topicEnv } from '../test/harness.ts';
import { usePgSinkFixture } from '../test/fixture.ts';
import { additiveTotals, expectedTotals, storeLoad } from '../test/store-load.ts';

/**
 * Postgres unreachable for 30 s (a TCP proxy in front of the real server cuts every connection
 * and refuses new ones) while events keep arriving: the sink must hold its offsets, retry, and
 * after the database returns apply every event exactly once.
 */
describe('postgres sink: database outage under load', () => {
  const hq = usePgSinkFixture({
    schemaPrefix: 'hq_outage',
    topicPrefix: 'pgsink-outage',
    eventPartitions: 2,
  });
  let proxy: TcpFaultProxy;
  let sink: ServiceProcess | undefined;

  beforeAll(async () => {
    proxy = await TcpFaultProxy.inFrontOf(PG_URL);
  });

  afterAll(async () => {
    sink?.child.kill('SIGKILL');
    await proxy?.close();
  });

  const committed = async (groupId: string): Promise<string> => {
    const admin = hq.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId, topics: [hq.topics.events] });
      return JSON.stringify(offsets[0]?.partitions.map((p) => [p.partition, p.offset]).sort());
    } finally {
      await admin.disconnect();
    }
  };

  const retriableErrors = (p: ServiceProcess): number =>
    p.lines.filter((l) => l.msg === 'retriable handler error: backing off').length;

  it('holds offsets while Postgres is away and applies everything once after it returns', async () => {
    const perStore = storeLoad('outage_store', 10, 600, 900);
    const all: StoreEvent[] = perStore.flat();
    // 12 waves of 50 events per store: one before the cut, ten during it, one after.
    const wave = (i: number) => perStore.flatMap((s) => s.slice(i * 50, (i + 1) * 50));
    const groupId = hq.group('group');
    sink = spawnSink({
      PG_URL: proxy.via(PG_URL),
      ...topicEnv(hq.schema, hq.topics),
      SINK_GROUP_ID: groupId,
      SINK_RETRY_MAX_MS: '2000',
      PG_CONNECT_TIMEOUT_MS: '1000',
    });
    await hq.producer.send(hq.topics.events, wave(0).map(hq.encoder.event));
    await waitFor(async () => (await countTables(hq.pool)).hq_inbox === 500, {
      timeoutMs: 30_000,
      what: `first wave applied (${sink.output.slice(-400)})`,
    });

    // Wave 0's offsets are committed before the cut, so no commit of it can land later.
    await waitForGroupCaughtUp(hq.kafka, groupId, [hq.topics.events], 30_000, () => sink!.output.slice(-400));

    const retriesBefore = retriableErrors(sink);
    proxy.cut();
    const cutAt = Date.now();
    await hq.producer.send(hq.topics.events, wave(1).map(hq.encoder.event));
    // The sink has met the outage (a write failed and it is backing off) before the baseline is read.
    await waitFor(() => retriableErrors(sink!) > retriesBefore, {
      timeoutMs: 30_000,
      what: `a retriable handler error after the cut (${sink.output.slice(-400)})`,
    });
    const offsetsEarly = await committed(groupId);
    // From here the sleeps only pace the waves over the 30 s outage; what is asserted after them is
    // that nothing happened during it.
    for (let i = 2; i <= 10; i++) {
      await hq.producer.send(hq.topics.events, wave(i).map(hq.encoder.event));
      await sleep(Math.max(0, cutAt + i * 2_900 - Date.now()));
    }
    await sleep(Math.max(0, cutAt + 30_000 - Date.now()));
    // Nothing was written, so nothing may have been committed.
    expect((await countTables(hq.pool)).hq_inbox).toBe(500);
    expect(await committed(groupId)).toBe(offsetsEarly);
    proxy.restore();

    await hq.producer.send(hq.topics.events, wave(11).map(hq.encoder.event));
    await waitFor(async () => (await countTables(hq.pool)).hq_inbox === all.length, {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: `all ${all.length} events after the outage (${sink.output.slice(-400)})`,
    });
    expect(sink.output).toMatch(/retriable handler error/);
    sink.child.kill('SIGTERM');
    expect(await sink.exited).toBe(0);
    sink = undefined;

    expect(await countTables(hq.pool)).toEqual({ ...expectedCounts(all), kpi_windows: 0 });
    expect(await additiveTotals(hq.pool)).toEqual(expectedTotals(all));
  }, 90_000);
});
