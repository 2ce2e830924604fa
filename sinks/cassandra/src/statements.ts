/**
 * Every CQL statement the sink writes with, and the one place that knows each statement's bind
 * order. All are prepared; all start with `USING TIMESTAMP ?` (write-timestamp.ts). Keyspace names
 * cannot be bind markers; the keyspace is a validated identifier (config.ts).
 */
export type TableName = 'inventory_by_store' | 'sales_by_store_day' | 'transaction_by_id_and_store';

export type StatementName =
  | 'inventory'
  | 'txSale'
  | 'txPayment'
  | 'txVoid'
  | 'txRefund'
  | 'daySale'
  | 'dayStatus'
  | 'dayPayment'
  | 'dayRefund';

export const STATEMENT_TABLE: Record<StatementName, TableName> = {
  inventory: 'inventory_by_store',
  txSale: 'transaction_by_id_and_store',
  txPayment: 'transaction_by_id_and_store',
  txVoid: 'transaction_by_id_and_store',
  txRefund: 'transaction_by_id_and_store',
  daySale: 'sales_by_store_day',
  dayStatus: 'sales_by_store_day',
  dayPayment: 'sales_by_store_day',
  dayRefund: 'sales_by_store_day',
};

const DAY_KEY = 'WHERE store_id = ? AND day = ? AND occurred_at = ? AND transaction_id = ?';
/** The store is part of the key: one store's events can only ever write that store's row. */
const TX_KEY = 'WHERE transaction_id = ? AND store_id = ?';

export function statementCql(keyspace: string): Record<StatementName, string> {
  const inv = `${keyspace}.inventory_by_store`;
  const tx = `${keyspace}.transaction_by_id_and_store`;
  const day = `${keyspace}.sales_by_store_day`;
  return {
    inventory: `UPDATE ${inv} USING TIMESTAMP ? SET on_hand = ?, last_store_seq = ?, updated_at = ? WHERE store_id = ? AND sku = ?`,
    txSale:
      `UPDATE ${tx} USING TIMESTAMP ? SET day = ?, occurred_at = ?, terminal_id = ?, ` +
      `cashier_id = ?, currency = ?, subtotal_minor = ?, discount_minor = ?, tax_minor = ?, total_minor = ?, ` +
      `item_count = ?, lines = ?, status = 'PAID', sale_seq = ?, last_store_seq = ? ${TX_KEY}`,
    txPayment: `UPDATE ${tx} USING TIMESTAMP ? SET payments[?] = ?, last_store_seq = ? ${TX_KEY}`,
    txVoid:
      `UPDATE ${tx} USING TIMESTAMP ? SET status = 'VOIDED', voided_at = ?, void_reason = ?, ` +
      `last_store_seq = ? ${TX_KEY}`,
    txRefund: `UPDATE ${tx} USING TIMESTAMP ? SET refunds[?] = ?, last_store_seq = ? ${TX_KEY}`,
    daySale:
      `UPDATE ${day} USING TIMESTAMP ? SET terminal_id = ?, cashier_id = ?, currency = ?, total_minor = ?, ` +
      `item_count = ?, status = 'PAID', sale_seq = ? ${DAY_KEY}`,
    dayStatus: `UPDATE ${day} USING TIMESTAMP ? SET status = ? ${DAY_KEY}`,
    dayPayment: `UPDATE ${day} USING TIMESTAMP ? SET payments[?] = ? ${DAY_KEY}`,
    dayRefund: `UPDATE ${day} USING TIMESTAMP ? SET refunds[?] = ? ${DAY_KEY}`,
  };
}

/** One statement execution: which statement, its partition (for batching) and its bind values. */
export interface RowWrite {
  statement: StatementName;
  /** `<table>|<partition key>`: writes with equal values may share an UNLOGGED batch. */
  partition: string;
  params: unknown[];
}

/** Where a sale's row lives in sales_by_store_day. */
export interface SaleLocation {
  storeId: string;
  day: string;
  occurredAt: number;
  transactionId: string;
}

/** Value of a `payment` UDT cell (bigint fields as BigInt: the driver runs with useBigIntAsLong). */
export interface PaymentCell {
  method: string;
  amount_minor: bigint;
  status: 'CAPTURED' | 'FAILED';
  store_seq: bigint;
}

export function dayWrite(
  statement: 'daySale' | 'dayStatus' | 'dayPayment' | 'dayRefund',
  ts: bigint,
  loc: SaleLocation,
  values: unknown[],
): RowWrite {
  return {
    statement,
    partition: `sales_by_store_day|${loc.storeId}|${loc.day}`,
    params: [ts, ...values, loc.storeId, loc.day, loc.occurredAt, loc.transactionId],
  };
}

export function txWrite(
  statement: 'txSale' | 'txPayment' | 'txVoid' | 'txRefund',
  ts: bigint,
  transactionId: string,
  storeId: string,
  values: unknown[],
): RowWrite {
  return {
    statement,
    partition: `transaction_by_id_and_store|${transactionId}`,
    params: [ts, ...values, transactionId, storeId],
  };
}
