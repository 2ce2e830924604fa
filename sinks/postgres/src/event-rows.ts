import { adjustmentRows, type AdjustmentRow } from './tables/inventory-adjustments.ts';
import { goodsReceiptRows, type GoodsReceiptRow } from './tables/goods-receipts.ts';
import type { SourcedEvent } from './tables/inbox.ts';
import { inventoryRows, type InventoryRow } from './tables/inventory.ts';
import { lineItemRows, type LineItemRow } from './tables/line-items.ts';
import { paymentRows, type PaymentRow } from './tables/payments.ts';
import { refundLineRows, type RefundLineRow } from './tables/refund-lines.ts';
import { refundRows, type RefundRow } from './tables/refunds.ts';
import { storeRows, type StoreRow } from './tables/stores.ts';
import { transactionRows, type TransactionRow } from './tables/transactions.ts';

/**
 * Store events → rows of the HQ tables. Pure: the batch writer inserts what this returns. Each
 * table's row type, columns and mapping live in tables/<table>.ts; this only hands the batch to
 * each. Rows that several events of one batch touch (a store, a sale with its void, a SKU's stock)
 * are merged there, because one INSERT ... ON CONFLICT DO UPDATE may not touch a row twice.
 */

export { iso } from './tables/define-table.ts';
export { inboxRow, uniqueEvents, type InboxRow, type SourcedEvent } from './tables/inbox.ts';
export { mapKpis, type KpiRow } from './tables/kpi-windows.ts';
export type {
  AdjustmentRow,
  GoodsReceiptRow,
  InventoryRow,
  LineItemRow,
  PaymentRow,
  RefundLineRow,
  RefundRow,
  StoreRow,
  TransactionRow,
};

export interface HqRows {
  stores: StoreRow[];
  transactions: TransactionRow[];
  lineItems: LineItemRow[];
  payments: PaymentRow[];
  refunds: RefundRow[];
  refundLines: RefundLineRow[];
  inventory: InventoryRow[];
  goodsReceipts: GoodsReceiptRow[];
  adjustments: AdjustmentRow[];
}

/**
 * Rows for events that were not applied before (the inbox decided that). Every merge is
 * commutative with the SQL merge of the writer, so the final tables do not depend on how events
 * were split into batches or in which order batches were applied.
 */
export function mapEvents(sourced: SourcedEvent[]): HqRows {
  const events = sourced.map((s) => s.event);
  return {
    stores: storeRows(events),
    transactions: transactionRows(events),
    lineItems: lineItemRows(events),
    payments: paymentRows(events),
    refunds: refundRows(events),
    refundLines: refundLineRows(events),
    inventory: inventoryRows(sourced),
    goodsReceipts: goodsReceiptRows(events),
    adjustments: adjustmentRows(events),
  };
}
