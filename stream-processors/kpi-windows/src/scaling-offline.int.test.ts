import type { KpiWindowUpdated } from '@retail-stream/schemas';
import { waitFor } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import { converge, exactOf, useKpiTestBed } from '../test/harness.ts';
import { storeEvents } from '../test/store-events.ts';

const kpi = useKpiTestBed();

const T0 = Date.parse('2026-03-10T02:00:00Z');

describe('kpi windows: scaling and offline stores', () => {
  it('(c) 1 → 2 → 1 instances during load: no loss, no double count', async () => {
    const { env, input, output } = await kpi.setup(4, { KPI_SESSION_TIMEOUT_MS: '6000' });
    const stores = ['kc1', 'kc2', 'kc3', 'kc4', 'kc5', 'kc6'];
    const perStore = stores.map((s, i) =>
      storeEvents(s, 2_400, T0, 1_000 + i * 100, 'Asia/Ho_Chi_Minh', 20 + i),
    );
    const chunk = (k: number) => perStore.flatMap((evs) => evs.slice(k * 600, (k + 1) * 600));
    const collector = await kpi.collect(output, 'kpi-c');
    const writer = kpi.writerTo(input);

    const a = await kpi.start(env);
    await writer.send(chunk(0));
    await collector.waitForCount(20);
    const b = await kpi.start(env);
    await writer.send(chunk(1));
    await waitFor(() => b.isReady() === true && a.isReady() === true, {
      what: 'both instances in the group',
    });
    await writer.send(chunk(2));
    // Back to one instance while records are still being processed.
    await a.stop();
    await writer.send(chunk(3));
    await converge(collector, exactOf(perStore.flat()), { shown: 8 });
  });

  it('(d) an offline store reconnecting with a 2-hour backlog: its windows are correct, other stores were finalised on time', async () => {
    const { env, input, output, late } = await kpi.setup(3);
    const online = [
      ...storeEvents('kd1', 1_500, T0, 6_000, 'Asia/Ho_Chi_Minh', 31), // 2.5 hours
      ...storeEvents('kd2', 1_500, T0, 6_000, 'Asia/Ho_Chi_Minh', 32),
    ];
    const backlog = storeEvents('kd3', 1_200, T0, 6_000, 'Asia/Ho_Chi_Minh', 33); // 2 hours, sent later
    const collector = await kpi.collect(output, 'kpi-d');
    const lateCollector = await kpi.collect(late, 'kpi-d-late');
    await kpi.start(env);
    const writer = kpi.writerTo(input);
    await writer.send(online);

    // While kd3 is silent, kd1 and kd2 close their windows on their own watermarks.
    const onlineExact = exactOf(online);
    const latestOnline = await converge(collector, onlineExact, { shown: 8 });
    const lastT = T0 + 1_499 * 6_000;
    const finalM1 = (s: string) =>
      [...latestOnline.values()].filter((w) => w.store_id === s && w.window_size === 'M1' && w.is_final)
        .length;
    // 150 minutes of events, the last 10 (lateness) still open.
    expect(finalM1('kd1')).toBe(Math.floor((lastT - 10 * 60_000 - T0) / 60_000));
    expect(finalM1('kd2')).toBe(finalM1('kd1'));
    const chainBefore = [...latestOnline.values()].filter(
      (w) => w.scope === 'chain' && w.window_size === 'H1' && w.is_final,
    );
    expect(chainBefore.length).toBeGreaterThan(0);

    await writer.send(backlog);
    const latest = await converge(collector, exactOf([...online, ...backlog]), { shown: 8 });
    const kd3: KpiWindowUpdated[] = [...latest.values()].filter((w) => w.store_id === 'kd3');
    const kd3Last = T0 + 1_199 * 6_000;
    for (const w of kd3) expect(w.is_final).toBe(w.window_end <= kd3Last - 10 * 60_000);
    expect(kd3.filter((w) => w.window_size === 'M1').length).toBe(120);
    // Nothing of the backlog was treated as late: its own watermark advanced with it.
    expect(lateCollector.messages.length).toBe(0);
    // Chain windows the backlog fell into were re-published (correction) with higher revisions.
    for (const before of chainBefore) {
      const after = latest.get(`chain|H1|${before.window_start}`)!;
      if (before.window_start < kd3Last) expect(after.revision).toBeGreaterThan(before.revision);
    }
  });
});
