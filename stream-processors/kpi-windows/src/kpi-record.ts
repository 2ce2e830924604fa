import { kpiMeasuresOf, type KpiWindowUpdated } from '@retail-stream/schemas';
import type { Measures } from './measures.ts';
import type { WindowRef } from './window-assignment.ts';

/** A KpiWindowUpdated value for one window revision. */
export function kpiRecord(args: {
  storeId: string | null;
  w: WindowRef;
  m: Measures;
  currency: string;
  revision: number;
  isFinal: boolean;
  now: number;
}): KpiWindowUpdated {
  const { storeId, w, m } = args;
  return {
    scope: storeId === null ? 'chain' : `store:${storeId}`,
    store_id: storeId,
    window_size: w.size,
    window_start: w.start,
    window_end: w.end,
    timezone: w.size === 'D1_LOCAL' ? w.timezone : null,
    revision: args.revision,
    is_final: args.isFinal,
    ...kpiMeasuresOf(m),
    currency: args.currency,
    payments_by_method: { ...m.payments_by_method } as Record<string, number>,
    updated_at: args.now,
  };
}

/** Kafka key of a KPI window record: `scope|window_size|window_start` (see the catalogue). */
export function kpiKey(r: Pick<KpiWindowUpdated, 'scope' | 'window_size' | 'window_start'>): string {
  return `${r.scope}|${r.window_size}|${r.window_start}`;
}
