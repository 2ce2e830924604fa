import type { StoreEvent, WindowSize } from '@retail-stream/schemas';
import { storeTimeZone } from '@retail-stream/runtime';
import { addEvent, emptyMeasures, type Measures } from './measures.ts';
import { fixedWindow, localDayWindow, windowsFor, type WindowRef } from './window-assignment.ts';

export interface ExactWindow extends WindowRef {
  scope: string;
  m: Measures;
}

/** `scope|size|start`, the same key as retail.kpi.windows records. */
export function scopedKey(scope: string, size: WindowSize, start: number): string {
  return `${scope}|${size}|${start}`;
}

/**
 * The exact KPI values of every window, straight from raw (enriched) events with no watermark, no
 * lateness and no state: what the streaming result must converge to. Store windows exist for every
 * window any event of the store falls in; chain windows (M1/M15/H1 by UTC, D1_LOCAL by the chain
 * zone) sum the store events whose currency is the chain currency.
 */
export function recomputeExact(
  events: Iterable<StoreEvent>,
  opts: { defaultTimeZone: string; chainTimeZone: string; chainCurrency: string },
): Map<string, ExactWindow> {
  const out = new Map<string, ExactWindow>();
  const touch = (scope: string, ref: WindowRef): ExactWindow => {
    const key = scopedKey(scope, ref.size, ref.start);
    let w = out.get(key);
    if (!w) {
      w = { ...ref, scope, m: emptyMeasures() };
      out.set(key, w);
    }
    return w;
  };
  for (const ev of events) {
    const tz = storeTimeZone(ev, opts.defaultTimeZone);
    for (const ref of windowsFor(ev.occurred_at, tz)) addEvent(touch(`store:${ev.store_id}`, ref).m, ev);
    const currency = 'currency' in ev ? ev.currency : undefined;
    if (currency !== undefined && currency !== opts.chainCurrency) continue;
    const chainRefs = [
      fixedWindow('M1', ev.occurred_at),
      fixedWindow('M15', ev.occurred_at),
      fixedWindow('H1', ev.occurred_at),
      localDayWindow(ev.occurred_at, opts.chainTimeZone),
    ];
    for (const ref of chainRefs) addEvent(touch('chain', ref).m, ev);
  }
  return out;
}
