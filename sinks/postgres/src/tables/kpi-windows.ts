import { KPI_MEASURES, kpiMeasuresOf, type KpiMeasures, type KpiWindowUpdated } from '@retail-stream/schemas';
import { defineTable, iso } from './define-table.ts';

/** kpi_windows: the latest revision of every KPI window. Measures: KPI_MEASURES, one bigint each. */
export type KpiRow = KpiMeasures & {
  scope: string;
  window_size: string;
  window_start: string;
  window_end: string;
  store_id: string | null;
  timezone: string | null;
  revision: number;
  is_final: boolean;
  currency: string;
  /** JSON text of the map measure. */
  payments_by_method: string;
  updated_at: string;
};

const KEY = ['scope', 'window_size', 'window_start'] as const;

const columns = [
  ['scope', 'text'],
  ['window_size', 'text'],
  ['window_start', 'timestamptz'],
  ['window_end', 'timestamptz'],
  ['store_id', 'text'],
  ['timezone', 'text'],
  ['revision', 'integer'],
  ['is_final', 'boolean'],
  ['currency', 'text'],
  ...KPI_MEASURES.map((m) => [m, 'bigint'] as const),
  ['payments_by_method', 'jsonb'],
  ['updated_at', 'timestamptz'],
] as const;

const updated = columns.map(([c]) => c).filter((c) => !(KEY as readonly string[]).includes(c));

/** Highest revision wins; an equal or lower revision (a redelivery, a stale replay) changes nothing. */
export const kpiTable = defineTable<KpiRow>()({
  table: 'kpi_windows',
  columns,
  tail: `ON CONFLICT (${KEY.join(', ')}) DO UPDATE SET
    ${updated.map((c) => `${c} = excluded.${c}`).join(', ')}, received_at = now()
    WHERE excluded.revision > t.revision`,
});

/** KPI upserts → rows, one per window key (the highest revision of the batch). */
export function mapKpis(records: KpiWindowUpdated[]): KpiRow[] {
  const best = new Map<string, KpiWindowUpdated>();
  for (const k of records) {
    const key = `${k.scope}|${k.window_size}|${k.window_start}`;
    const prev = best.get(key);
    if (!prev || k.revision > prev.revision) best.set(key, k);
  }
  return [...best.values()].map((k) => ({
    scope: k.scope,
    window_size: k.window_size,
    window_start: iso(k.window_start),
    window_end: iso(k.window_end),
    store_id: k.store_id,
    timezone: k.timezone,
    revision: k.revision,
    is_final: k.is_final,
    currency: k.currency,
    ...kpiMeasuresOf(k),
    payments_by_method: JSON.stringify(k.payments_by_method),
    updated_at: iso(k.updated_at),
  }));
}
