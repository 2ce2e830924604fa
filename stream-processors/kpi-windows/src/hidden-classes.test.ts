import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

/*
 * The long-lived state (store windows, chain contributions) and the records Avro-encodes must share
 * one V8 hidden class per kind. On Node 20 a literal that starts with a spread and adds more
 * (`{ ...ref, … }`) gets a class of its own per object: ~15 % more memory and CPU in KPI windows
 * (docs/architecture.md, "Processors on the hot path"). Counted in a child Node with
 * --allow-natives-syntax (%HaveSameMap).
 */
const SCRIPT = `
const { StoreWindows, windowState } = await import('./store-windows.ts');
const { measuresOf, cloneMeasures } = await import('./measures.ts');
const { kpiRecord } = await import('./kpi-record.ts');
const { decodeEntry, encodeWindow } = await import('./changelog.ts');
const { StoreEventFactory } = await import('@retail-stream/schemas/testing');
const same = new Function('a', 'b', 'return %HaveSameMap(a, b)');
const classes = (xs) => { const reps = []; for (const x of xs) if (!reps.some((r) => same(r, x))) reps.push(x); return reps.length; };
const policy = { allowedLatenessMs: 600000, emitIntervalMs: 0, evictGraceMs: 3600000, defaultTimeZone: 'Europe/Berlin', defaultCurrency: 'EUR' };
const T0 = Date.parse('2026-03-10T12:00:00Z');
const stores = [];
for (let s = 0; s < 20; s++) {
  const store = new StoreWindows('s' + s, policy);
  let t = T0;
  const f = new StoreEventFactory('s' + s, undefined, 1, () => t);
  for (let i = 0; i < 30; i++) { t = T0 + i * 61000 + s; store.apply(f.sale(2), 'Europe/Berlin'); }
  stores.push(store);
}
const windows = stores.flatMap((s) => [...s.windows.values()]);
const emits = stores.flatMap((s) => s.advance(T0 + 3600000));
const records = emits.map((e) => kpiRecord({ storeId: e.storeId, w: e.w, m: e.w.m, currency: e.w.currency, revision: e.w.revision, isFinal: e.w.isFinal, now: T0 }));
const restored = windows.map((w) => decodeEntry('w|' + w.size + '|' + w.start + '|s1', Buffer.from(encodeWindow(w))).state);
console.log(JSON.stringify({
  n: windows.length,
  windows: classes(windows),
  windowStates: classes(windows.map((w) => windowState(w, w.currency, w.m, 1, false, false))),
  restored: classes(restored),
  measures: classes(records.map(measuresOf)),
  clones: classes(windows.map((w) => cloneMeasures(w.m))),
  records: classes(records),
}));
`;

describe('hidden classes', () => {
  it('store windows, restored windows, chain measures and KPI records share one class per kind', () => {
    const out = execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', SCRIPT],
      {
        cwd: here,
        encoding: 'utf8',
      },
    );
    const counts = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
    expect(counts.n).toBeGreaterThan(500);
    expect(counts).toEqual({
      n: counts.n,
      windows: 1,
      windowStates: 1,
      restored: 1,
      measures: 1,
      clones: 1,
      records: 1,
    });
  });
});
