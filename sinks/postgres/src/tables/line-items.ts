import type { StoreEvent } from '@retail-stream/schemas';
import { defineTable, iso } from './define-table.ts';

/** hq_line_items: the lines of each SaleRecorded, with category and brand from enrichment. */
export interface LineItemRow {
  store_id: string;
  transaction_id: string;
  line_no: number;
  sku: string;
  barcode: string;
  product_name: string;
  category: string | null;
  brand: string | null;
  quantity: number;
  unit_price_minor: number;
  discount_minor: number;
  tax_rate_bp: number;
  tax_minor: number;
  line_total_minor: number;
  currency: string;
  occurred_at: string;
}

export const lineItemsTable = defineTable<LineItemRow>()({
  table: 'hq_line_items',
  columns: [
    ['store_id', 'text'],
    ['transaction_id', 'text'],
    ['line_no', 'integer'],
    ['sku', 'text'],
    ['barcode', 'text'],
    ['product_name', 'text'],
    ['category', 'text'],
    ['brand', 'text'],
    ['quantity', 'integer'],
    ['unit_price_minor', 'bigint'],
    ['discount_minor', 'bigint'],
    ['tax_rate_bp', 'integer'],
    ['tax_minor', 'bigint'],
    ['line_total_minor', 'bigint'],
    ['currency', 'text'],
    ['occurred_at', 'timestamptz'],
  ],
  tail: 'ON CONFLICT DO NOTHING',
});

export function lineItemRows(events: readonly StoreEvent[]): LineItemRow[] {
  const out: LineItemRow[] = [];
  for (const e of events) {
    if (e.event_type !== 'SaleRecorded') continue;
    const at = iso(e.occurred_at);
    for (const l of e.lines) {
      // Only products reference data knows override the line's own category.
      const product = e.enrichment?.products.find((p) => p.sku === l.sku && p.known);
      out.push({
        store_id: e.store_id,
        transaction_id: e.transaction_id,
        line_no: l.line_no,
        sku: l.sku,
        barcode: l.barcode,
        product_name: l.product_name,
        category: product?.category ?? l.category,
        brand: product?.brand ?? null,
        quantity: l.quantity,
        unit_price_minor: l.unit_price_minor,
        discount_minor: l.discount_minor,
        tax_rate_bp: l.tax_rate_bp,
        tax_minor: l.tax_minor,
        line_total_minor: l.line_total_minor,
        currency: e.currency,
        occurred_at: at,
      });
    }
  }
  return out;
}
