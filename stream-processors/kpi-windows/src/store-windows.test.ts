import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeMeta, encodeWindow, metaEntryKey, windowEntryKey } from './changelog.ts';
import { recomputeExact } from './recompute-exact.ts';
import { StoreWindows, type WindowPolicy } from './store-windows.ts';

const T0 = Date.parse('2026-03-10T12:00:00Z');
const policy: WindowPolicy = {
  allowedLatenessMs: 10 * 60_000,
  emitIntervalMs: 1_000,
  evictGraceMs: 60 * 60_000,
  defaultTimeZone: 'Asia/Ho_Chi_Minh',
  defaultCurrency: 'VND',
};
const TZ = 'Asia/Ho_Chi_Minh';

function eventsAt(storeId: string, times: number[]): StoreEvent[] {
  let i = 0;
  const f = new StoreEventFactory(storeId, undefined, 1, () => times[Math.min(i, times.length - 1)]!);
  return times.map(() => {
    const e = f.sale(2);
    i++;
    return e;
  });
}

describe('store windows', () => {
  it('dueAt: when the earliest throttled update becomes due, Infinity once nothing waits', () => {
    const s = new StoreWindows('s001', policy);
    expect(s.dueAt).toBe(Number.POSITIVE_INFINITY);
    const [a, b] = eventsAt('s001', [T0 + 5_000, T0 + 20_000]);
    s.apply(a!, TZ);
    expect(s.advance(1_000_000).length).toBe(4);
    expect(s.dueAt).toBe(Number.POSITIVE_INFINITY);
    s.apply(b!, TZ);
    expect(s.advance(1_000_300).length).toBe(0);
    // Emitted at 1,000,000, interval 1,000 ms.
    expect(s.dueAt).toBe(1_001_000);
    expect(s.advance(1_000_999).length).toBe(0);
    expect(s.advance(1_001_000).length).toBe(4);
    expect(s.dueAt).toBe(Number.POSITIVE_INFINITY);
  });

  it('emits a final revision when the watermark passes the window end, with increasing revisions', () => {
    const s = new StoreWindows('s001', policy);
    const [a, b] = eventsAt('s001', [T0 + 5_000, T0 + 20_000]);
    s.apply(a!, TZ);
    const first = s.advance(1_000_000);
    const m1 = first.find((e) => e.w.size === 'M1')!;
    expect(m1.w).toMatchObject({ revision: 1, isFinal: false });
    s.apply(b!, TZ);
    // Throttled: less than emitIntervalMs since the last emit.
    expect(s.advance(1_000_500).length).toBe(0);
    expect(s.advance(1_001_000).find((e) => e.w.size === 'M1')!.w).toMatchObject({
      revision: 2,
      isFinal: false,
    });
    expect(m1.w.m.orders).toBe(2);
    // An event 11 minutes later moves the watermark past the M1 end: final at once, no throttle.
    const [c] = eventsAt('s001', [T0 + 11 * 60_000]);
    s.apply(c!, TZ);
    const finals = s.advance(1_001_001).filter((e) => e.w.isFinal);
    expect(finals.map((e) => e.w.size)).toEqual(['M1']);
    expect(finals[0]!.w.revision).toBe(3);
  });

  it('a late event for a final window is a correction: applied, re-emitted final with a higher revision', () => {
    const s = new StoreWindows('s001', policy);
    const [a, b, late] = eventsAt('s001', [T0, T0 + 11 * 60_000, T0 + 30_000]);
    s.apply(a!, TZ);
    s.apply(b!, TZ);
    s.advance(0);
    const key = `M1|${T0}`;
    expect(s.windows.get(key)).toMatchObject({ isFinal: true, revision: 1 });
    const r = s.apply(late!, TZ);
    expect(r).toEqual({ late: true, evicted: false });
    const corr = s.advance(10_000).find((e) => e.w.size === 'M1' && e.w.start === T0)!;
    expect(corr.w).toMatchObject({ isFinal: true, revision: 2 });
    expect(corr.w.m.orders).toBe(2);
  });

  it('evicts final windows past the grace period and routes later events for them to the late path', () => {
    const s = new StoreWindows('s001', policy);
    const [a, b, late] = eventsAt('s001', [T0, T0 + 2 * 3_600_000, T0 + 1_000]);
    s.apply(a!, TZ);
    s.advance(0);
    s.apply(b!, TZ);
    s.advance(1); // finalises the first windows
    s.advance(2); // evicts them (watermark far past end + grace)
    expect(s.windows.has(`M1|${T0}`)).toBe(false);
    const changes = s.takeChanges();
    expect(changes.removed).toContain(`M1|${T0}`);
    expect(s.apply(late!, TZ)).toEqual({ late: true, evicted: true });
    // The local day is still in state (not past its grace): the event was applied there.
    const day = [...s.windows.values()].find((w) => w.size === 'D1_LOCAL')!;
    expect(day.m.orders).toBe(3);
  });

  it('an offline store replaying a backlog advances its own watermark through it', () => {
    const s = new StoreWindows('s002', policy);
    const times = Array.from({ length: 120 }, (_, i) => T0 + i * 60_000);
    for (const ev of eventsAt('s002', times)) s.apply(ev, TZ);
    const finals = s.advance(0).filter((e) => e.w.size === 'M1' && e.w.isFinal);
    // Every minute window older than the lateness is final, none dropped.
    // Newest event at T0+119 min: watermark T0+109 min closes the windows starting T0 … T0+108 min.
    expect(finals.length).toBe(109);
    expect(finals.every((e) => e.w.m.orders === 1)).toBe(true);
  });

  it('matches recomputeExact for a shuffled-in-time event set', () => {
    const s = new StoreWindows('s003', policy);
    const times = Array.from({ length: 200 }, (_, i) => T0 + ((i * 7919) % 3_000) * 1_000);
    const evs = eventsAt('s003', times);
    for (const ev of evs) s.apply(ev, TZ);
    s.advance(0);
    const exact = recomputeExact(evs, { defaultTimeZone: TZ, chainTimeZone: TZ, chainCurrency: 'VND' });
    for (const w of s.windows.values()) {
      expect(w.m).toEqual(exact.get(`store:s003|${w.size}|${w.start}`)!.m);
    }
  });

  it('round-trips through changelog records', () => {
    const s = new StoreWindows('s004', policy);
    for (const ev of eventsAt('s004', [T0, T0 + 61_000])) s.apply(ev, TZ);
    s.advance(0);
    const copy = new StoreWindows('s004', policy);
    for (const [key, w] of s.windows) {
      const e = decodeEntry(windowEntryKey('s004', key), Buffer.from(encodeWindow(w)));
      if (e?.kind !== 'window') throw new Error('not a window');
      expect(e.storeId).toBe('s004');
      copy.restoreWindow(e.windowKey, e.state);
    }
    const m = decodeEntry(metaEntryKey('s004'), Buffer.from(encodeMeta(s.meta)));
    if (m?.kind !== 'meta' || !m.meta) throw new Error('not meta');
    copy.restoreMeta(m.meta);
    expect(copy.meta).toEqual(s.meta);
    expect([...copy.windows.values()].map((w) => ({ ...w, lastEmitAt: 0 }))).toEqual(
      [...s.windows.values()].map((w) => ({ ...w, lastEmitAt: 0 })),
    );
  });
});
