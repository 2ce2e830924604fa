/**
 * How each HQ table is written: the TableSpecs of tables/<table>.ts, by the names the writer and
 * the bench import. Every conflict rule makes re-applying or re-ordering harmless: immutable facts
 * DO NOTHING; merged rows combine commutatively (see each table file).
 */
export { inboxTable } from './tables/inbox.ts';
export { storesTable } from './tables/stores.ts';
export { transactionsTable } from './tables/transactions.ts';
export { lineItemsTable } from './tables/line-items.ts';
export { paymentsTable } from './tables/payments.ts';
export { refundsTable } from './tables/refunds.ts';
export { refundLinesTable } from './tables/refund-lines.ts';
export { inventoryTable } from './tables/inventory.ts';
export { goodsReceiptsTable } from './tables/goods-receipts.ts';
export { adjustmentsTable } from './tables/inventory-adjustments.ts';
export { kpiTable } from './tables/kpi-windows.ts';
