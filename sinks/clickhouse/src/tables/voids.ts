import type { SaleVoided } from '@retail-stream/schemas';
import { defineTable, u8 } from './define-table.ts';
import { storeColumns, type StoreColumns } from './enrichment.ts';

/** voids: one row per SaleVoided, paid or not. */
export type VoidRow = StoreColumns & {
  event_id: string;
  store_id: string;
  store_seq: number;
  transaction_id: string;
  reason: string;
  was_paid: number;
  total_minor: number;
  currency: string;
  occurred_at_ms: number;
};

export const voidsTable = defineTable<VoidRow>()({
  table: 'voids',
  columns: [
    ['event_id', 'String'],
    ['store_id', 'String'],
    ['store_seq', 'UInt64'],
    ['transaction_id', 'String'],
    ['reason', 'String'],
    ['was_paid', 'UInt8'],
    ['total_minor', 'Int64'],
    ['currency', 'String'],
    ['occurred_at_ms', 'Int64'],
    ['store_name', 'Nullable(String)'],
    ['region', 'Nullable(String)'],
  ],
  orderBy: ['store_id', 'event_id'],
});

export function voidRows(e: SaleVoided): VoidRow[] {
  return [
    {
      event_id: e.event_id,
      store_id: e.store_id,
      store_seq: e.store_seq,
      transaction_id: e.transaction_id,
      reason: e.reason,
      was_paid: u8(e.was_paid),
      total_minor: e.total_minor,
      currency: e.currency,
      occurred_at_ms: e.occurred_at,
      ...storeColumns(e.enrichment),
    },
  ];
}
