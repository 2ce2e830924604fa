/**
 * End-of-day figures of one store's local day, as each place sees them, and their comparison.
 * The store's own database is the reference; every other source is compared on the measures it
 * can answer (Cassandra projects sales per day only; the KPI window has its own net GMV).
 */
export const MEASURES = [
  'events',
  'last_seq',
  'sales',
  'sales_minor',
  'voids',
  'voids_minor',
  'refunds',
  'refunds_minor',
  'gmv_minor',
] as const;
export type Measure = (typeof MEASURES)[number];
export type Figures = Partial<Record<Measure, number>>;

/**
 * Voids of paid (recorded) sales. HQ Postgres keeps a void on the sale's row, so a void of a sale
 * that was never finalized (a basket abandoned, a medicine out of stock) has no row there;
 * ClickHouse and the KPI windows count every SaleVoided.
 */
export interface StorePaidVoids {
  paid_voids?: number;
  paid_voids_minor?: number;
}

export const SOURCES = ['store', 'postgres', 'clickhouse', 'cassandra', 'kpi'] as const;
export type Source = (typeof SOURCES)[number];

/** One measure that differs between the store and a sink. */
export interface Difference {
  store_id: string;
  source: Exclude<Source, 'store'>;
  measure: Measure;
  store: number;
  sink: number | null;
  diff: number;
}

/**
 * The store's figures → what each sink should show. KPI: GMV is net (sales − refunds − voids of
 * paid sales, see stream-processors/kpi-windows/src/measures.ts); the store gives paidVoidsMinor.
 */
export function expectedFor(source: Exclude<Source, 'store'>, store: Figures & StorePaidVoids): Figures {
  switch (source) {
    case 'postgres': {
      const { paid_voids: _v, paid_voids_minor: _p, gmv_minor: _g, ...rest } = store;
      return {
        ...rest,
        voids: store.paid_voids ?? store.voids,
        voids_minor: store.paid_voids_minor ?? store.voids_minor,
      };
    }
    case 'clickhouse': {
      const { paid_voids: _v, paid_voids_minor: _p, gmv_minor: _g, ...rest } = store;
      return rest;
    }
    case 'cassandra':
      return { sales: store.sales, sales_minor: store.sales_minor };
    case 'kpi':
      return {
        sales: store.sales,
        voids: store.voids,
        voids_minor: store.paid_voids_minor,
        refunds: store.refunds,
        refunds_minor: store.refunds_minor,
        gmv_minor: (store.sales_minor ?? 0) - (store.refunds_minor ?? 0) - (store.paid_voids_minor ?? 0),
      };
  }
}

/** The measures that differ (a missing sink figure counts as 0; a missing KPI window as none). Pure. */
export function compareFigures(
  storeId: string,
  store: Figures & StorePaidVoids,
  sinks: Partial<Record<Exclude<Source, 'store'>, Figures | null>>,
): Difference[] {
  const out: Difference[] = [];
  for (const [source, got] of Object.entries(sinks) as [Exclude<Source, 'store'>, Figures | null][]) {
    const want = expectedFor(source, store);
    for (const m of MEASURES) {
      const w = want[m];
      if (w === undefined) continue;
      const g = got === null ? null : (got[m] ?? 0);
      if (g !== w) out.push({ store_id: storeId, source, measure: m, store: w, sink: g, diff: (g ?? 0) - w });
    }
  }
  return out;
}
