import type { AvroNamedSchema } from './catalogue.ts';
import type { KpiWindowUpdated } from './generated/events.ts';

/**
 * The additive integer measures of a KPI window, in KpiWindowUpdated.avsc field order: every field
 * whose Avro type is a plain `long` (timestamps are longs too, but carry a logicalType and are not
 * measures). Sinks, queries and the KPI processor loop over this list instead of naming the fields,
 * so a new measure in the schema is one edit here (kpi-measures.test.ts fails until it is made).
 *
 * Written out rather than computed from the catalogue at load time so that code gets the literal
 * names as types; the test checks it against the schema.
 */
export const KPI_MEASURES = [
  'gmv_minor',
  'orders',
  'items',
  'refunds_minor',
  'voids_minor',
  'refund_count',
  'void_count',
  'payments_attempted',
  'payments_captured',
] as const satisfies readonly (keyof KpiWindowUpdated)[];

export type KpiMeasure = (typeof KPI_MEASURES)[number];

/** The integer measures of a window, typed by the generated KpiWindowUpdated. */
export type KpiMeasures = Pick<KpiWindowUpdated, KpiMeasure>;

/**
 * The one map-valued measure (captured minor units per PaymentMethod). Every store keeps it in its
 * own shape (jsonb, parallel arrays), so it is named here rather than looped over.
 */
export const KPI_MAP_MEASURE = 'payments_by_method' as const satisfies keyof KpiWindowUpdated;

/** The integer measures of `source` (any object that has them), in schema order. */
export function kpiMeasuresOf(source: KpiMeasures): KpiMeasures {
  const out = {} as KpiMeasures;
  for (const m of KPI_MEASURES) out[m] = source[m];
  return out;
}

/**
 * The measure fields of a KPI record schema: plain `long` fields (integer measures) and `map` of
 * `long` fields (map measures), in field order. The rule KPI_MEASURES follows.
 */
export function measureFieldsOf(schema: AvroNamedSchema): { integers: string[]; maps: string[] } {
  const integers: string[] = [];
  const maps: string[] = [];
  for (const f of schema.fields ?? []) {
    if (f.type === 'long') integers.push(f.name);
    const t = f.type as { type?: unknown; values?: unknown } | null;
    if (typeof t === 'object' && t !== null && t.type === 'map' && t.values === 'long') maps.push(f.name);
  }
  return { integers, maps };
}
