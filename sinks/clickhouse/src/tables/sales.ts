import type { SaleRecorded } from '@retail-stream/schemas';
import { defineTable, u8 } from './define-table.ts';
import { storeColumns, type StoreColumns } from './enrichment.ts';

/** sales: one row per SaleRecorded. */
export type SalesRow = StoreColumns & {
  event_id: string;
  store_id: string;
  store_seq: number;
  transaction_id: string;
  terminal_id: string | null;
  cashier_id: string | null;
  occurred_at_ms: number;
  currency: string;
  subtotal_minor: number;
  discount_minor: number;
  tax_minor: number;
  total_minor: number;
  item_count: number;
  line_count: number;
  customer_ref: string | null;
  store_known: number;
  ingested_at_ms: number;
};

export const salesTable = defineTable<SalesRow>()({
  table: 'sales',
  columns: [
    ['event_id', 'String'],
    ['store_id', 'String'],
    ['store_seq', 'UInt64'],
    ['transaction_id', 'String'],
    ['terminal_id', 'Nullable(String)'],
    ['cashier_id', 'Nullable(String)'],
    ['occurred_at_ms', 'Int64'],
    ['currency', 'String'],
    ['subtotal_minor', 'Int64'],
    ['discount_minor', 'Int64'],
    ['tax_minor', 'Int64'],
    ['total_minor', 'Int64'],
    ['item_count', 'Int32'],
    ['line_count', 'UInt16'],
    ['customer_ref', 'Nullable(String)'],
    ['store_known', 'UInt8'],
    ['store_name', 'Nullable(String)'],
    ['region', 'Nullable(String)'],
    ['ingested_at_ms', 'Int64'],
  ],
  orderBy: ['store_id', 'event_id'],
});

export function salesRows(e: SaleRecorded): SalesRow[] {
  return [
    {
      event_id: e.event_id,
      store_id: e.store_id,
      store_seq: e.store_seq,
      transaction_id: e.transaction_id,
      terminal_id: e.terminal_id,
      cashier_id: e.cashier_id,
      occurred_at_ms: e.occurred_at,
      currency: e.currency,
      subtotal_minor: e.subtotal_minor,
      discount_minor: e.discount_minor,
      tax_minor: e.tax_minor,
      total_minor: e.total_minor,
      item_count: e.item_count,
      line_count: e.lines.length,
      customer_ref: e.customer_ref,
      store_known: u8(e.enrichment?.store_known ?? false),
      ...storeColumns(e.enrichment),
      ingested_at_ms: e.enrichment?.ingested_at ?? 0,
    },
  ];
}
