import { waitFor } from '@retail-stream/runtime/testing';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedCounts, expectedSales } from '../test/expected.ts';
import { enrichedMessages, rawRowCount, salesTotalsByStore, sinkEnv, SinkProcess } from '../test/harness.ts';
import { useSinkFixture } from '../test/fixture.ts';
import { tableCounts } from './queries.ts';

describe('clickhouse sink: kill -9 mid-stream', () => {
  const f = useSinkFixture(3);
  const procs: SinkProcess[] = [];
  afterAll(async () => {
    for (const p of procs) await p.stop();
  });

  it('SIGKILL while batches are being written, then a restart: no loss, no duplicates in collapsed counts', async () => {
    const events = Array.from({ length: 6 }, (_, i) => new StoreEventFactory(`crash_${i}`).mixed(700)).flat();
    const messages = await enrichedMessages(events);
    const want = { ...expectedCounts(events), kpi_windows: 0 };
    // Small inserts, so a kill is likely to land between the tables of one flush.
    const env = sinkEnv(f.db.name, f.topics, {
      SINK_MAX_BATCH_ROWS: '2000',
      SINK_MAX_BYTES_PER_PARTITION: '262144',
    });

    const first = new SinkProcess(env);
    procs.push(first);
    // Load arrives while the sink runs.
    let sentAll = false;
    const sending = (async () => {
      for (let i = 0; i < messages.length; i += 600)
        await f.producer.send(f.topics.events, messages.slice(i, i + 600));
      sentAll = true;
    })();
    await waitFor(async () => (await rawRowCount(f.db.client)) > 2_000, {
      timeoutMs: 45_000,
      what: `first sink to write rows; output: ${first.output.slice(-2_000)}`,
    });
    first.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    const atKill = await tableCounts(f.db.client);
    await sending;
    // The kill really was mid-stream: something, not everything, was written.
    expect(atKill.sale_lines.collapsed).toBeLessThan(want.sale_lines);
    expect(sentAll).toBe(true);

    // Most of this test's time is here: the new member waits for the group to expire the killed one.
    const second = new SinkProcess(env);
    procs.push(second);
    const collapsed = async () =>
      Object.fromEntries(Object.entries(await tableCounts(f.db.client)).map(([t, c]) => [t, c.collapsed]));
    await waitFor(async () => JSON.stringify(await collapsed()) === JSON.stringify(want), {
      timeoutMs: 90_000,
      intervalMs: 1_000,
      what: `restarted sink to catch up to ${JSON.stringify(want)}; output: ${second.output.slice(-2_000)}`,
    });
    await second.stop();
    expect(await collapsed()).toEqual(want);
    expect(await salesTotalsByStore(f.db.client)).toEqual(expectedSales(events));
  }, 180_000);
});
