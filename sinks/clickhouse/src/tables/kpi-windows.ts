import { ValidationError } from '@retail-stream/runtime';
import { KPI_MEASURES, kpiMeasuresOf, type KpiMeasures, type KpiWindowUpdated } from '@retail-stream/schemas';
import { defineTable, u8 } from './define-table.ts';

/**
 * kpi_windows: KpiWindowUpdated upserts, one Int64 column per KPI measure. payments_by_method (an
 * Avro map) is two parallel arrays, methods sorted: 18.16 has no Map type.
 */
export type KpiWindowsRow = KpiMeasures & {
  scope: string;
  store_id: string | null;
  window_size: string;
  window_start_ms: number;
  window_end_ms: number;
  timezone: string | null;
  revision: number;
  is_final: number;
  currency: string;
  payment_methods: string[];
  payment_amounts_minor: number[];
  updated_at_ms: number;
};

export const kpiWindowsTable = defineTable<KpiWindowsRow>()({
  table: 'kpi_windows',
  columns: [
    ['scope', 'String'],
    ['store_id', 'Nullable(String)'],
    ['window_size', 'String'],
    ['window_start_ms', 'Int64'],
    ['window_end_ms', 'Int64'],
    ['timezone', 'Nullable(String)'],
    ['revision', 'UInt32'],
    ['is_final', 'UInt8'],
    ['currency', 'String'],
    ...KPI_MEASURES.map((m) => [m, 'Int64'] as const),
    ['payment_methods', 'Array(String)'],
    ['payment_amounts_minor', 'Array(Int64)'],
    ['updated_at_ms', 'Int64'],
  ],
  orderBy: ['scope', 'window_size', 'window_start_ms'],
});

/** Values the columns cannot hold (UInt32 revision) are bad input: dead-lettered, never retried. */
export function kpiWindowsRows(k: KpiWindowUpdated): KpiWindowsRow[] {
  if (!Number.isInteger(k.revision) || k.revision < 0 || k.revision > 0xffff_ffff) {
    throw new ValidationError('ROW_INVALID', `revision ${k.revision} of ${k.scope} does not fit UInt32`);
  }
  if (k.scope.length === 0) throw new ValidationError('ROW_INVALID', 'empty KPI scope');
  const methods = Object.keys(k.payments_by_method).sort();
  return [
    {
      scope: k.scope,
      store_id: k.store_id,
      window_size: k.window_size,
      window_start_ms: k.window_start,
      window_end_ms: k.window_end,
      timezone: k.timezone,
      revision: k.revision,
      is_final: u8(k.is_final),
      currency: k.currency,
      ...kpiMeasuresOf(k),
      payment_methods: methods,
      payment_amounts_minor: methods.map((m) => k.payments_by_method[m]!),
      updated_at_ms: k.updated_at,
    },
  ];
}
