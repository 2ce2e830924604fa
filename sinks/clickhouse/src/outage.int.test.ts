import type { ClickHouseClient } from '@clickhouse/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { metricSum, TcpFaultProxy, waitFor } from '@retail-stream/runtime/testing';
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

/** Retries of batches the sink could not write because ClickHouse was unreachable. */
async function unavailableRetries(sink: InProcessSink): Promise<number> {
  return (await sink.metricsText())
    .split('\n')
    .filter(
      (l) => l.startsWith('retail_consumer_retries_total{') && l.includes('code="CLICKHOUSE_UNAVAILABLE"'),
    )
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Inserts ClickHouse is executing (any database: others' only make the wait longer). */
async function insertsRunning(client: ClickHouseClient): Promise<number> {
  const rs = await client.query({
    query: "SELECT count() AS n FROM system.processes WHERE match(query, '(?i)^[[:space:]]*insert')",
    format: 'JSONEachRow',
  });
  return Number((await rs.json<{ n: string }>())[0]!.n);
}

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
    const retriesBefore = await unavailableRetries(sink);
    proxy.cut();
    const cutAt = Date.now();
    // The baseline is read once the sink has met the outage (an insert failed and it is backing
    // off) and ClickHouse has finished every insert it had received before the cut: from then on
    // nothing the sink sent earlier can still land.
    await waitFor(async () => (await unavailableRetries(sink!)) > retriesBefore, {
      what: 'a CLICKHOUSE_UNAVAILABLE retry after the cut',
    });
    await waitFor(async () => (await insertsRunning(f.db.client)) === 0, {
      what: 'no insert running in ClickHouse',
    });
    const duringBefore = await rawRowCount(f.db.client);
    // The batches stuck behind the outage are held, and their bytes are what the budget bounds:
    // at most SINK_MAX_PENDING_BYTES plus the one batch admitted below it (≤ a partition fetch).
    const pendingDuring = metricSum(await sink.metricsText(), 'retail_sink_pending_bytes');
    expect(pendingDuring).toBeGreaterThan(0);
    expect(pendingDuring).toBeLessThanOrEqual(sink.config.SINK_MAX_PENDING_BYTES + 4 * 1024 * 1024);
    // This sleep proves something does not happen: no row arrives for the rest of the outage.
    await sleep(Math.max(0, cutAt + OUTAGE_MS - Date.now()));
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

    expect(await unavailableRetries(sink)).toBeGreaterThan(0);
    expect(await collapsed()).toEqual(want);
    await waitFor(async () => metricSum(await sink!.metricsText(), 'retail_sink_pending_bytes') === 0, {
      what: 'no bytes pending once every write landed',
    });
    expect(await salesTotalsByStore(f.db.client)).toEqual(expectedSales(events));
  }, 150_000);
});
