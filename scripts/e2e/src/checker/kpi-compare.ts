import type { KpiMeasures } from '@retail-stream/schemas';
import { reconcile, type CheckRow } from '../reconcile.ts';

/**
 * Daily KPIs (D1_LOCAL) as a sink holds them (latest revision) against the exact recomputation from
 * the raw events. Keys are `scope|D1_LOCAL|window_start_ms`, as on retail.kpi.windows.
 */

/** The measures the checker recomputes exactly (the others follow from the same events). */
export type KpiValue = Pick<KpiMeasures, 'gmv_minor' | 'orders'>;

export interface KpiRow extends KpiValue {
  scope: string;
  window_start_ms: number;
  window_end_ms: number;
}

export interface ExactWindowLike {
  scope: string;
  size: string;
  start: number;
  end: number;
  m: KpiValue;
}

export const kpiKey = (scope: string, startMs: number): string => `${scope}|D1_LOCAL|${startMs}`;

/** D1_LOCAL windows of the given scopes that end after `sinceMs` (older days belong to other runs). */
export function expectedDailyKpis(
  exact: Iterable<ExactWindowLike>,
  scopes: ReadonlySet<string>,
  sinceMs: number,
): Map<string, KpiValue> {
  const out = new Map<string, KpiValue>();
  for (const w of exact) {
    if (w.size !== 'D1_LOCAL' || !scopes.has(w.scope) || w.end <= sinceMs) continue;
    out.set(kpiKey(w.scope, w.start), { gmv_minor: w.m.gmv_minor, orders: w.m.orders });
  }
  return out;
}

export function compareDailyKpis(
  check: string,
  expected: ReadonlyMap<string, KpiValue>,
  found: readonly KpiRow[],
  scopes: ReadonlySet<string>,
  sinceMs: number,
): CheckRow {
  const rows = found
    .filter((r) => scopes.has(r.scope) && r.window_end_ms > sinceMs)
    .map((r) => ({
      key: kpiKey(r.scope, r.window_start_ms),
      value: { gmv_minor: r.gmv_minor, orders: r.orders },
    }));
  return reconcile(check, expected, rows, (e, f) => e.gmv_minor === f.gmv_minor && e.orders === f.orders);
}
