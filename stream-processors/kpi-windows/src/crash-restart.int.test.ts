import { waitFor } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import { converge, exactOf, useKpiTestBed } from '../test/harness.ts';
import { storeEvents } from '../test/store-events.ts';

const kpi = useKpiTestBed();

const T0 = Date.parse('2026-03-10T08:00:00Z');

describe('kpi windows process crash (child processes)', () => {
  it('(b) kill -9 mid-window and restart: final values equal the exact recomputation, nothing double-counted', async () => {
    const { env, input, output } = await kpi.setup(2, {
      KPI_SESSION_TIMEOUT_MS: '6000',
      OPS_PORT: '0',
    });
    const events = [
      ...storeEvents('kb1', 3_000, T0, 1_500, 'Asia/Ho_Chi_Minh', 11),
      ...storeEvents('kb2', 3_000, T0, 1_200, 'Asia/Kolkata', 12),
    ];
    const firstHalf = events.filter((_, i) => i % 3_000 < 1_500);
    const secondHalf = events.filter((_, i) => i % 3_000 >= 1_500);
    const collector = await kpi.collect(output, 'kpi-b');
    const writer = kpi.writerTo(input);

    const first = kpi.spawn(env);
    await writer.send(firstHalf);
    await collector.waitForCount(50, 40_000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${first.output}`);
    });
    // Kill while the second half is being processed: transactions in flight are aborted.
    await writer.send(secondHalf);
    const before = collector.messages.length;
    await waitFor(() => collector.messages.length > before, { timeoutMs: 20_000, intervalMs: 5 });
    expect(await first.kill9()).toBe(null);
    const atKill = collector.messages.length;

    const second = kpi.spawn(env);
    await converge(collector, exactOf(events), {
      timeoutMs: 50_000,
      what: 'windows after the restart to equal the exact recomputation',
      shown: 5,
      log: () => second.output,
    });
    expect(collector.messages.length).toBeGreaterThan(atKill);
  });
});
