import { withinAmountLimit } from '../amount-limit.ts';
import { priceLine, sumTotals } from '../checkout-math.ts';
import { pseudonymiseCustomer } from '../customer-pseudonym.ts';
import type { CatalogItem } from '../db/catalog-repo.ts';
import type { GuardedStep } from '../db/guarded-commit.ts';
import type { GuardedChange } from '../db/guarded-write.ts';
import type { SaleSnapshot } from '../db/sale-snapshot.ts';
import { deleteLineWrite, insertSaleGuard, updateSaleGuard, upsertLineWrite } from '../db/sale-writes.ts';
import type { LineRow, NewTransaction, PaymentRow, TxRow } from '../db/transaction-repo.ts';
import { Refusal } from '../refusal.ts';
import type { Actor, StoreServices } from '../store-context.ts';
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
 * Opens the sale: one statement, no read (the INSERT is the write's guard). The new row is all the
 * answer needs: the defaults are the table's, created_at is the request's clock reading.
 */
export function openSaleStep(
  svc: StoreServices,
  actor: Actor,
  input: { cashier_id: string; customer_id?: string | undefined },
): GuardedStep {
  const sale = newSale(svc, actor, input);
  return {
    plan: (_snapshot, now) => {
      const tx: TxRow = {
        ...sale,
        status: 'DRAFT',
        subtotal_minor: 0n,
        discount_minor: 0n,
        tax_minor: 0n,
        total_minor: 0n,
        item_count: 0,
        refunded_minor: 0n,
        next_line_no: 1,
        created_at: now,
        finalized_at: null,
        voided_at: null,
        void_reason: null,
        prescription_code: null,
        version: 0,
      };
      return { status: 201, body: transactionView(tx, [], []), guard: insertSaleGuard(sale, now) };
    },
  };
}

interface LineEdit {
  tx: TxRow;
  lines: LineRow[];
  payments: PaymentRow[];
  product: CatalogItem | undefined;
}

/** The sale as read, if it exists and its lines may change. */
function beginLineEdit(snapshot: SaleSnapshot | undefined, txId: string): LineEdit {
  const { tx, lines, payments, product } = snapshot!;
  if (!tx) throw new Refusal('TRANSACTION_NOT_FOUND', `no transaction ${txId}`, 'id');
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
 * One line change after the guarded update of the sale's totals and next line number, and the sale
 * as it will then stand as the answer. The lines, totals and row are what a re-read would return
 * (the view has no column the database fills in), so nothing is read back.
 */
function finishLineEdit(
  edit: LineEdit,
  change: { upsert: LineRow } | { remove: number },
  status: number,
): GuardedChange {
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
    guard: updateSaleGuard(tx, { ...totals, next_line_no: nextLineNo }),
    writes: ['upsert' in change ? upsertLineWrite(tx, change.upsert) : deleteLineWrite(tx.id, change.remove)],
  };
}

/** Scanning the same product again adds to its line (and its discount), as tills do. */
export function addItemStep(
  txId: string,
  input: { barcode: string; quantity: number; discount_minor: bigint },
): GuardedStep {
  return {
    read: { saleId: txId, barcode: input.barcode },
    plan: (snapshot) => addItem(snapshot, txId, input),
  };
}

function addItem(
  snapshot: SaleSnapshot | undefined,
  txId: string,
  input: { barcode: string; quantity: number; discount_minor: bigint },
): GuardedChange {
  const edit = beginLineEdit(snapshot, txId);
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

export function changeLineStep(
  txId: string,
  lineNo: number,
  input: { quantity?: number | undefined; discount_minor?: bigint | undefined },
): GuardedStep {
  return {
    read: { saleId: txId },
    plan: (snapshot) => {
      const edit = beginLineEdit(snapshot, txId);
      const line = edit.lines.find((l) => l.line_no === lineNo);
      if (!line) throw new Refusal('LINE_NOT_FOUND', `transaction has no line ${lineNo}`, 'line_no');
      const quantity = input.quantity ?? line.quantity;
      const updated = reprice(line, quantity, input.discount_minor ?? line.discount_minor);
      return finishLineEdit(edit, { upsert: updated }, 200);
    },
  };
}

export function removeLineStep(txId: string, lineNo: number): GuardedStep {
  return {
    read: { saleId: txId },
    plan: (snapshot) => {
      const edit = beginLineEdit(snapshot, txId);
      if (!edit.lines.some((l) => l.line_no === lineNo))
        throw new Refusal('LINE_NOT_FOUND', `transaction has no line ${lineNo}`, 'line_no');
      return finishLineEdit(edit, { remove: lineNo }, 200);
    },
  };
}
