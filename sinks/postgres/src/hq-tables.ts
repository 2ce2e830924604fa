/**
 * How each HQ table is written: the TableSpecs of tables/<table>.ts, by the names the writer and
 * the bench import. Every conflict rule makes re-applying or re-ordering harmless: immutable facts
 * DO NOTHING; merged rows combine commutatively (see each table file).
 */
import { inboxTable } from './tables/inbox.ts';
import { storesTable } from './tables/stores.ts';
import { transactionsTable } from './tables/transactions.ts';
import { lineItemsTable } from './tables/line-items.ts';
import { paymentsTable } from './tables/payments.ts';
import { refundsTable } from './tables/refunds.ts';
import { refundLinesTable } from './tables/refund-lines.ts';
import { inventoryTable } from './tables/inventory.ts';
import { goodsReceiptsTable } from './tables/goods-receipts.ts';
import { adjustmentsTable } from './tables/inventory-adjustments.ts';
import { kpiTable } from './tables/kpi-windows.ts';

export {
  inboxTable,
  storesTable,
  transactionsTable,
  lineItemsTable,
  paymentsTable,
  refundsTable,
  refundLinesTable,
  inventoryTable,
  goodsReceiptsTable,
  adjustmentsTable,
  kpiTable,
};

/** Every HQ table the sink writes, for tools that walk them all (the CLI's diff and promote). */
export const HQ_TABLES = [
  inboxTable,
  storesTable,
  transactionsTable,
  lineItemsTable,
  paymentsTable,
  refundsTable,
  refundLinesTable,
  inventoryTable,
  goodsReceiptsTable,
  adjustmentsTable,
  kpiTable,
] as const;
