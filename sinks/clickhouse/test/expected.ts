import type { StoreEvent } from '@retail-stream/schemas';
import { storeEventRows, TABLES, type Table } from '../src/rows.ts';

/** Rows per table the events must leave in ClickHouse, each event applied once. */
export function expectedCounts(events: readonly StoreEvent[]): Record<Table, number> {
  const out = Object.fromEntries(TABLES.map((t) => [t, 0])) as Record<Table, number>;
  for (const e of events) for (const [t, rows] of storeEventRows(e)) out[t] += rows.length;
  return out;
}

export function totalRows(counts: Record<Table, number>): number {
  return Object.values(counts).reduce((s, n) => s + n, 0);
}

/** Sum of total_minor and count of sales per store: what sales FINAL must show. */
export function expectedSales(events: readonly StoreEvent[]): Map<string, { orders: number; total: number }> {
  const out = new Map<string, { orders: number; total: number }>();
  for (const e of events) {
    if (e.event_type !== 'SaleRecorded') continue;
    const s = out.get(e.store_id) ?? { orders: 0, total: 0 };
    s.orders += 1;
    s.total += e.total_minor;
    out.set(e.store_id, s);
  }
  return out;
}
