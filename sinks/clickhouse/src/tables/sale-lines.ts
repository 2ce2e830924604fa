import type { SaleRecorded } from '@retail-stream/schemas';
import { defineTable, u8 } from './define-table.ts';
import { productOf, storeColumns, type StoreColumns } from './enrichment.ts';

/** sale_lines: one row per line of a SaleRecorded. */
export type SaleLineRow = StoreColumns & {
  event_id: string;
  line_no: number;
  store_id: string;
  store_seq: number;
  transaction_id: string;
  occurred_at_ms: number;
  sku: string;
  barcode: string;
  product_name: string;
  category: string;
  brand: string | null;
  product_known: number;
  quantity: number;
  unit_price_minor: number;
  discount_minor: number;
  tax_rate_bp: number;
  tax_minor: number;
  line_total_minor: number;
  currency: string;
};

export const saleLinesTable = defineTable<SaleLineRow>()({
  table: 'sale_lines',
  columns: [
    ['event_id', 'String'],
    ['line_no', 'UInt16'],
    ['store_id', 'String'],
    ['store_seq', 'UInt64'],
    ['transaction_id', 'String'],
    ['occurred_at_ms', 'Int64'],
    ['sku', 'String'],
    ['barcode', 'String'],
    ['product_name', 'String'],
    ['category', 'String'],
    ['brand', 'Nullable(String)'],
    ['product_known', 'UInt8'],
    ['quantity', 'Int32'],
    ['unit_price_minor', 'Int64'],
    ['discount_minor', 'Int64'],
    ['tax_rate_bp', 'Int32'],
    ['tax_minor', 'Int64'],
    ['line_total_minor', 'Int64'],
    ['currency', 'String'],
    ['store_name', 'Nullable(String)'],
    ['region', 'Nullable(String)'],
  ],
  orderBy: ['store_id', 'event_id', 'line_no'],
});

export function saleLineRows(e: SaleRecorded): SaleLineRow[] {
  const store = storeColumns(e.enrichment);
  return e.lines.map((l) => {
    const p = productOf(e.enrichment, l.sku);
    return {
      event_id: e.event_id,
      line_no: l.line_no,
      store_id: e.store_id,
      store_seq: e.store_seq,
      transaction_id: e.transaction_id,
      occurred_at_ms: e.occurred_at,
      sku: l.sku,
      barcode: l.barcode,
      product_name: l.product_name,
      // The line's own category is what the till charged under; reference data may be newer.
      category: l.category,
      brand: p?.brand ?? null,
      product_known: u8(p?.known ?? false),
      quantity: l.quantity,
      unit_price_minor: l.unit_price_minor,
      discount_minor: l.discount_minor,
      tax_rate_bp: l.tax_rate_bp,
      tax_minor: l.tax_minor,
      line_total_minor: l.line_total_minor,
      currency: e.currency,
      ...store,
    };
  });
}
