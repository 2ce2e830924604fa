import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { seededRandom } from '@retail-stream/runtime';
import { waitFor } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import { converge, enrich, exactOf, latestWindows, useKpiTestBed } from '../test/harness.ts';
import { storeEvents } from '../test/store-events.ts';

const kpi = useKpiTestBed();

const T0 = Date.parse('2026-03-10T16:40:00Z'); // 23:40 in Ho Chi Minh City: the run crosses local midnight
const LATENESS = 10 * 60_000;

describe('kpi windows against the real broker', () => {
  it('(a) final KPI values of every store and chain window equal the exact recomputation from the raw events', async () => {
    const { env, input, output } = await kpi.setup(3);
    const events = [
      ...storeEvents('ka1', 700, T0, 4_000, 'Asia/Ho_Chi_Minh', 1),
      ...storeEvents('ka2', 500, T0, 5_500, 'Asia/Kolkata', 2),
      // Unknown store: its local day falls back to the default zone.
      ...storeEvents('ka3', 300, T0, 9_000, null, 3),
    ];
    const collector = await kpi.collect(output, 'kpi-a');
    await kpi.start(env);
    const writer = kpi.writerTo(input);
    await writer.send(events);

    const latest = await converge(collector, exactOf(events));
    // Every store window the store's own watermark passed is final; later ones are not.
    for (const storeId of ['ka1', 'ka2', 'ka3']) {
      const maxT = Math.max(...events.filter((e) => e.store_id === storeId).map((e) => e.occurred_at));
      const mine = [...latest.values()].filter((w) => w.store_id === storeId);
      expect(mine.length).toBeGreaterThan(30);
      for (const w of mine)
        expect(w.is_final, `${w.scope} ${w.window_size} ${w.window_start}`).toBe(
          w.window_end <= maxT - LATENESS,
        );
    }
    // The local day follows the store's zone: Kolkata's day starts at 18:30 UTC.
    const ka2Days = [...latest.values()].filter((w) => w.store_id === 'ka2' && w.window_size === 'D1_LOCAL');
    expect(ka2Days.map((d) => new Date(d.window_start).toISOString().slice(11, 16))).toEqual(['18:30']);
    expect(ka2Days[0]!.timezone).toBe('Asia/Kolkata');
    expect([...latest.keys()].filter((k) => k.startsWith('chain|')).length).toBeGreaterThan(30);
  });

  it('(e) an event beyond the lateness goes to the late topic and corrects the final windows; the day total converges', async () => {
    const { env, input, output, late } = await kpi.setup(1);
    const onTime = storeEvents('ke1', 400, T0, 6_000, 'Asia/Ho_Chi_Minh', 7); // 40 minutes
    const collector = await kpi.collect(output, 'kpi-e');
    const lateCollector = await kpi.collect(late, 'kpi-e-late');
    await kpi.start(env);
    const writer = kpi.writerTo(input);
    await writer.send(onTime);

    const m1Key = `store:ke1|M1|${T0 + 60_000}`;
    const firstFinal = await waitFor(async () => {
      const w = (await latestWindows(collector.messages)).latest.get(m1Key);
      return w?.is_final ? w : undefined;
    });

    // A sale that happened at T0+1m30s, arriving after the store's watermark (T0+30m) passed that minute.
    let t = T0 + 90_000;
    const f = new StoreEventFactory('ke1', seededRandom(99), 401, () => t);
    const lateSale = enrich(f.sale(3), 'Asia/Ho_Chi_Minh');
    t += 1_000;
    const latePayment = enrich(f.paymentCaptured(lateSale), 'Asia/Ho_Chi_Minh');
    await writer.send([lateSale, latePayment]);

    await lateCollector.waitForCount(2);
    expect(lateCollector.messages.map((m) => m.headers['kpi.late.decision'])).toEqual([
      'correction',
      'correction',
    ]);
    expect(lateCollector.messages.map((m) => m.headers.event_id)).toEqual([
      lateSale.event_id,
      latePayment.event_id,
    ]);

    const all = [...onTime, lateSale, latePayment];
    const exact = exactOf(all);
    const latest = await converge(collector, exact, {
      timeoutMs: 30_000,
      what: 'corrections to converge',
    });
    const corrected = latest.get(m1Key)!;
    expect(corrected.is_final).toBe(true);
    expect(corrected.revision).toBeGreaterThan(firstFinal.revision);
    expect(corrected.gmv_minor).toBe(firstFinal.gmv_minor + lateSale.total_minor);
    const day = [...latest.values()].find(
      (w) =>
        w.store_id === 'ke1' &&
        w.window_size === 'D1_LOCAL' &&
        w.window_start <= lateSale.occurred_at &&
        lateSale.occurred_at < w.window_end,
    )!;
    const exactDay = exact.get(`store:ke1|D1_LOCAL|${day.window_start}`)!;
    expect(day.gmv_minor).toBe(exactDay.m.gmv_minor);
  });
});
