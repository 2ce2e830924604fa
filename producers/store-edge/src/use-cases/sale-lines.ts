import type pg from 'pg';
import { priceLine, sumTotals } from '../checkout-math.ts';
import { pseudonymiseCustomer } from '../customer-pseudonym.ts';
import { findByBarcode } from '../db/catalog-repo.ts';
import {
  insertTransaction,
  loadLines,
  loadPayments,
  lockTransaction,
  saveTotals,
  upsertLine,
  type LineRow,
  type TxRow,
} from '../db/transaction-repo.ts';
import { badRequest, conflict, notFound } from '../http/api-error.ts';
import type { Actor, StoreServices, UseCaseResult } from '../store-context.ts';
import { decide } from '../transaction-state.ts';
import { txFacts } from '../transaction-view.ts';
import { uuidv7 } from '../uuid-v7.ts';
import { loadTransactionView } from './load-view.ts';

export const MAX_LINE_QUANTITY = 9_999;

export async function openTransaction(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  input: { cashier_id: string; customer_id?: string | undefined },
): Promise<UseCaseResult> {
  const id = uuidv7();
  await insertTransaction(client, {
    id,
    store_id: svc.store.store_id,
    terminal_id: actor.terminalId,
    cashier_id: input.cashier_id,
    currency: svc.store.currency,
    customer_ref: input.customer_id ? pseudonymiseCustomer(input.customer_id, svc.customerHmacKey) : null,
  });
  return { status: 201, body: await loadTransactionView(client, svc.store.store_id, id) };
}

/** Locks the sale and checks lines may change; returns what the caller needs to edit them. */
async function beginLineEdit(
  client: pg.ClientBase,
  svc: StoreServices,
  txId: string,
): Promise<{ tx: TxRow; lines: LineRow[] }> {
  const tx = await lockTransaction(client, svc.store.store_id, txId);
  const [lines, payments] = await Promise.all([loadLines(client, txId), loadPayments(client, txId)]);
  const decision = decide('EDIT_LINES', txFacts(tx, lines, payments));
  if (!decision.ok) throw conflict(decision.code, decision.message);
  return { tx, lines };
}

function reprice(line: LineRow, quantity: number, discount: bigint): LineRow {
  if (quantity > MAX_LINE_QUANTITY) {
    throw badRequest('QUANTITY_TOO_LARGE', `a line holds at most ${MAX_LINE_QUANTITY} units`, 'quantity');
  }
  if (discount > line.unit_price_minor * BigInt(quantity)) {
    throw badRequest('DISCOUNT_TOO_LARGE', 'discount exceeds the line amount', 'discount_minor');
  }
  const priced = priceLine({
    unit_price_minor: line.unit_price_minor,
    quantity,
    discount_minor: discount,
    tax_rate_bp: line.tax_rate_bp,
  });
  return {
    ...line,
    quantity,
    discount_minor: discount,
    tax_minor: priced.tax_minor,
    line_total_minor: priced.line_total_minor,
  };
}

async function finishLineEdit(
  client: pg.ClientBase,
  svc: StoreServices,
  txId: string,
  status: number,
): Promise<UseCaseResult> {
  const lines = await loadLines(client, txId);
  const totals = sumTotals(lines.map((l) => ({ ...priceLine(l), quantity: l.quantity })));
  await saveTotals(client, txId, totals);
  return { status, body: await loadTransactionView(client, svc.store.store_id, txId) };
}

/** Scanning the same product again adds to its line (and its discount), as tills do. */
export async function addItem(
  client: pg.ClientBase,
  svc: StoreServices,
  txId: string,
  input: { barcode: string; quantity: number; discount_minor: bigint },
): Promise<UseCaseResult> {
  const { tx, lines } = await beginLineEdit(client, svc, txId);
  const product = await findByBarcode(client, input.barcode);
  if (!product) throw notFound('UNKNOWN_BARCODE', `no product with barcode ${input.barcode}`, 'barcode');
  if (!product.active)
    throw conflict('PRODUCT_INACTIVE', `product ${product.sku} is not for sale`, 'barcode');
  const existing = lines.find((l) => l.sku === product.sku);
  let line: LineRow;
  if (existing) {
    line = reprice(
      existing,
      existing.quantity + input.quantity,
      existing.discount_minor + input.discount_minor,
    );
  } else {
    const lineNo = tx.next_line_no;
    await client.query('UPDATE transactions SET next_line_no = next_line_no + 1 WHERE id = $1', [txId]);
    const fresh: LineRow = {
      line_no: lineNo,
      sku: product.sku,
      barcode: product.barcode,
      product_name: product.name,
      category: product.category,
      quantity: 0,
      unit_price_minor: product.price_minor,
      discount_minor: 0n,
      tax_rate_bp: product.tax_rate_bp,
      tax_minor: 0n,
      line_total_minor: 0n,
      refunded_quantity: 0,
    };
    line = reprice(fresh, input.quantity, input.discount_minor);
  }
  await upsertLine(client, svc.store.store_id, txId, line);
  return finishLineEdit(client, svc, txId, 201);
}

export async function changeLine(
  client: pg.ClientBase,
  svc: StoreServices,
  txId: string,
  lineNo: number,
  input: { quantity?: number | undefined; discount_minor?: bigint | undefined },
): Promise<UseCaseResult> {
  const { lines } = await beginLineEdit(client, svc, txId);
  const line = lines.find((l) => l.line_no === lineNo);
  if (!line) throw notFound('LINE_NOT_FOUND', `transaction has no line ${lineNo}`, 'line_no');
  const updated = reprice(line, input.quantity ?? line.quantity, input.discount_minor ?? line.discount_minor);
  await upsertLine(client, svc.store.store_id, txId, updated);
  return finishLineEdit(client, svc, txId, 200);
}

export async function removeLine(
  client: pg.ClientBase,
  svc: StoreServices,
  txId: string,
  lineNo: number,
): Promise<UseCaseResult> {
  const { lines } = await beginLineEdit(client, svc, txId);
  if (!lines.some((l) => l.line_no === lineNo))
    throw notFound('LINE_NOT_FOUND', `transaction has no line ${lineNo}`, 'line_no');
  await client.query('DELETE FROM line_items WHERE transaction_id = $1 AND line_no = $2', [txId, lineNo]);
  return finishLineEdit(client, svc, txId, 200);
}
