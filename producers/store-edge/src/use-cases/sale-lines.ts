import type pg from 'pg';
import { withinAmountLimit } from '../amount-limit.ts';
import { priceLine, sumTotals } from '../checkout-math.ts';
import { pseudonymiseCustomer } from '../customer-pseudonym.ts';
import type { CatalogItem } from '../db/catalog-repo.ts';
import {
  insertTransaction,
  loadSaleContents,
  lockTransaction,
  lineEditWrites,
  type LineRow,
  type NewTransaction,
  type PaymentRow,
  type TxRow,
} from '../db/transaction-repo.ts';
import { Refusal } from '../refusal.ts';
import type { Actor, Claim, StoreServices, UseCaseResult } from '../store-context.ts';
import { decide } from '../transaction-state.ts';
import { transactionView, txFacts } from '../transaction-view.ts';
import { uuidv7 } from '../uuid-v7.ts';

export const MAX_LINE_QUANTITY = 9_999;

/** The sale a POST /transactions opens (inserted by the request's claim statement). */
export function newSale(
  svc: StoreServices,
  actor: Actor,
  input: { cashier_id: string; customer_id?: string | undefined },
): NewTransaction {
  return {
    id: uuidv7(),
    store_id: svc.store.store_id,
    terminal_id: actor.terminalId,
    cashier_id: input.cashier_id,
    currency: svc.store.currency,
    customer_ref: input.customer_id ? pseudonymiseCustomer(input.customer_id, svc.customerHmacKey) : null,
  };
}

/**
 * Opens the sale: the row inserted with the claim (or, without one, inserted here). A new sale has no
 * lines or payments yet: the inserted row is all the view needs.
 */
export async function openTransaction(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  input: { cashier_id: string; customer_id?: string | undefined },
  claim?: Claim,
): Promise<UseCaseResult> {
  const tx = claim?.inserted ?? (await insertTransaction(client, newSale(svc, actor, input)));
  return { status: 201, body: transactionView(tx, [], []) };
}

interface LineEdit {
  tx: TxRow;
  lines: LineRow[];
  payments: PaymentRow[];
  product: CatalogItem | undefined;
}

/**
 * Locks the sale, then reads its lines and payments (and the scanned product) in one more round
 * trip, and checks lines may change.
 */
async function beginLineEdit(
  client: pg.ClientBase,
  svc: StoreServices,
  txId: string,
  barcode: string | null,
  claim: Claim,
): Promise<LineEdit> {
  const tx = await lockTransaction(client, svc.store.store_id, txId, claim.locked);
  const { lines, payments, product } = await loadSaleContents(client, txId, barcode);
  const decision = decide('EDIT_LINES', txFacts(tx, lines, payments));
  if (!decision.ok) throw new Refusal(decision.code, decision.message);
  return { tx, lines, payments, product };
}

function reprice(line: LineRow, quantity: number, discount: bigint): LineRow {
  if (quantity > MAX_LINE_QUANTITY) {
    throw new Refusal('QUANTITY_TOO_LARGE', `a line holds at most ${MAX_LINE_QUANTITY} units`, 'quantity');
  }
  // A catalogue price times up to MAX_LINE_QUANTITY units can leave the exactly representable range.
  withinAmountLimit(line.unit_price_minor * BigInt(quantity), 'line amount', 'quantity');
  if (discount > line.unit_price_minor * BigInt(quantity)) {
    throw new Refusal('DISCOUNT_TOO_LARGE', 'discount exceeds the line amount', 'discount_minor');
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

/**
 * One line change and the sale's new totals as last writes, and the sale as it will then
 * stand as the answer. The lines, totals and row are what a re-read would return (the view has no
 * column the database fills in), so nothing is read back.
 */
function finishLineEdit(
  edit: LineEdit,
  change: { upsert: LineRow } | { remove: number },
  status: number,
): UseCaseResult {
  const { tx, payments } = edit;
  const lines =
    'upsert' in change
      ? [...edit.lines.filter((l) => l.line_no !== change.upsert.line_no), change.upsert].sort(
          (a, b) => a.line_no - b.line_no,
        )
      : edit.lines.filter((l) => l.line_no !== change.remove);
  const totals = sumTotals(lines.map((l) => ({ ...priceLine(l), quantity: l.quantity })));
  withinAmountLimit(totals.subtotal_minor, 'sale subtotal', 'upsert' in change ? 'quantity' : null);
  const nextLineNo =
    'upsert' in change && change.upsert.line_no >= tx.next_line_no
      ? change.upsert.line_no + 1
      : tx.next_line_no;
  const after: TxRow = { ...tx, ...totals, next_line_no: nextLineNo };
  return {
    status,
    body: transactionView(after, lines, payments),
    writes: lineEditWrites(tx, change, totals, nextLineNo),
  };
}

/** Scanning the same product again adds to its line (and its discount), as tills do. */
export async function addItem(
  client: pg.ClientBase,
  svc: StoreServices,
  txId: string,
  input: { barcode: string; quantity: number; discount_minor: bigint },
  claim: Claim,
): Promise<UseCaseResult> {
  const edit = await beginLineEdit(client, svc, txId, input.barcode, claim);
  const { tx, lines, product } = edit;
  if (!product) throw new Refusal('UNKNOWN_BARCODE', `no product with barcode ${input.barcode}`, 'barcode');
  if (!product.active)
    throw new Refusal('PRODUCT_INACTIVE', `product ${product.sku} is not for sale`, 'barcode');
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
      lots: [],
    };
    line = reprice(fresh, input.quantity, input.discount_minor);
  }
  return finishLineEdit(edit, { upsert: line }, 201);
}

export async function changeLine(
  client: pg.ClientBase,
  svc: StoreServices,
  txId: string,
  lineNo: number,
  input: { quantity?: number | undefined; discount_minor?: bigint | undefined },
  claim: Claim,
): Promise<UseCaseResult> {
  const edit = await beginLineEdit(client, svc, txId, null, claim);
  const line = edit.lines.find((l) => l.line_no === lineNo);
  if (!line) throw new Refusal('LINE_NOT_FOUND', `transaction has no line ${lineNo}`, 'line_no');
  const updated = reprice(line, input.quantity ?? line.quantity, input.discount_minor ?? line.discount_minor);
  return finishLineEdit(edit, { upsert: updated }, 200);
}

export async function removeLine(
  client: pg.ClientBase,
  svc: StoreServices,
  txId: string,
  lineNo: number,
  claim: Claim,
): Promise<UseCaseResult> {
  const edit = await beginLineEdit(client, svc, txId, null, claim);
  if (!edit.lines.some((l) => l.line_no === lineNo))
    throw new Refusal('LINE_NOT_FOUND', `transaction has no line ${lineNo}`, 'line_no');
  return finishLineEdit(edit, { remove: lineNo }, 200);
}
