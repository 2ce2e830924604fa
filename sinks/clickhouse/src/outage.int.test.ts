import { setTimeout as sleep } from 'node:timers/promises';
import { TcpFaultProxy, waitFor } from '@retail-stream/runtime/testing';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedCounts, expectedSales } from '../test/expected.ts';
import {
  CLICKHOUSE_URL,
  enrichedMessages,
  rawRowCount,
  salesTotalsByStore,
  sinkEnv,
  startSink,
  type InProcessSink,
} from '../test/harness.ts';
import { useSinkFixture } from '../test/fixture.ts';
import { tableCounts } from './queries.ts';

const OUTAGE_MS = 30_000;

describe('clickhouse sink: ClickHouse down for 30 s under load', () => {
  const f = useSinkFixture(3);
  let proxy: TcpFaultProxy;
  let sink: InProcessSink | undefined;

  beforeAll(async () => {
    proxy = await TcpFaultProxy.inFrontOf(CLICKHOUSE_URL);
  });
  afterAll(async () => {
    await sink?.stop();
    await proxy?.close();
  });

  it('records produced before, during and after the outage are all written once', async () => {
    const events = Array.from({ length: 4 }, (_, i) => new StoreEventFactory(`out_${i}`).mixed(1_000)).flat();
    const messages = await enrichedMessages(events);
    const want = { ...expectedCounts(events), kpi_windows: 0 };
    sink = await startSink(
      sinkEnv(f.db.name, f.topics, {
        // Everything to ClickHouse goes through the proxy; the test reads directly.
        CLICKHOUSE_URL: `http://${proxy.address}`,
        CLICKHOUSE_REQUEST_TIMEOUT_MS: '5000',
        SINK_MIGRATE: 'false',
      }),
    );

    // Steady load: a chunk every 250 ms for about 45 s, across the outage.
    const chunk = Math.ceil(messages.length / 180);
    const sending = (async () => {
      for (let i = 0; i < messages.length; i += chunk) {
        await f.producer.send(f.topics.events, messages.slice(i, i + chunk));
        await sleep(250);
      }
    })();

    await waitFor(async () => (await rawRowCount(f.db.client)) > 0, { what: 'rows before the outage' });
    proxy.cut();
    await sleep(2_000); // an insert already past the proxy may still land
    const duringBefore = await rawRowCount(f.db.client);
    await sleep(OUTAGE_MS - 2_000);
    const duringAfter = await rawRowCount(f.db.client);
    proxy.restore();
    // Nothing reached ClickHouse while it was "down": the outage was real.
    expect(duringAfter).toBe(duringBefore);

    await sending;
    const collapsed = async () =>
      Object.fromEntries(Object.entries(await tableCounts(f.db.client)).map(([t, c]) => [t, c.collapsed]));
    await waitFor(async () => JSON.stringify(await collapsed()) === JSON.stringify(want), {
      timeoutMs: 60_000,
      intervalMs: 1_000,
      what: `all rows after the outage: ${JSON.stringify(want)}`,
    });

    const metrics = await sink.metricsText();
    const retries = metrics
      .split('\n')
      .filter((l) => l.startsWith('retail_consumer_retries_total{') && l.includes('CLICKHOUSE_UNAVAILABLE'));
    expect(retries.length).toBeGreaterThan(0);
    expect(await collapsed()).toEqual(want);
    expect(await salesTotalsByStore(f.db.client)).toEqual(expectedSales(events));
  }, 150_000);
});
