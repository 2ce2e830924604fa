import type { LineRow, PaymentRow, TxRow } from './db/transaction-repo.ts';
import type { SaleLine } from './events.ts';
import { toSafeNumber } from './json-text.ts';
import type { TxFacts } from './transaction-state.ts';

/** Payment sums the state machine needs. FAILED attempts count for nothing. */
export function paymentFacts(
  payments: readonly PaymentRow[],
): Pick<TxFacts, 'captured_minor' | 'pending_minor' | 'pending_count'> {
  let captured = 0n;
  let pending = 0n;
  let pendingCount = 0;
  for (const p of payments) {
    if (p.status === 'CAPTURED') captured += p.amount_minor;
    if (p.status === 'PENDING') {
      pending += p.amount_minor;
      pendingCount++;
    }
  }
  return { captured_minor: captured, pending_minor: pending, pending_count: pendingCount };
}

export function txFacts(tx: TxRow, lines: readonly LineRow[], payments: readonly PaymentRow[]): TxFacts {
  return {
    status: tx.status,
    line_count: lines.length,
    total_minor: tx.total_minor,
    ...paymentFacts(payments),
  };
}

export function paymentView(p: PaymentRow) {
  return {
    id: p.id,
    transaction_id: p.transaction_id,
    method: p.method,
    status: p.status,
    amount_minor: p.amount_minor,
    currency: p.currency,
    tendered_minor: p.tendered_minor,
    change_minor: p.change_minor,
    provider_ref: p.provider_ref,
    qr_payload: p.qr_payload,
    expires_at: p.expires_at,
    failure_reason: p.failure_reason,
    terminal_id: p.terminal_id,
    cashier_id: p.cashier_id,
    created_at: p.created_at,
    settled_at: p.settled_at,
  };
}

/** The JSON a terminal sees for a transaction: the basket, its totals and what is still due. */
export function transactionView(tx: TxRow, lines: readonly LineRow[], payments: readonly PaymentRow[]) {
  const { captured_minor, pending_minor } = paymentFacts(payments);
  const due = tx.total_minor - captured_minor;
  return {
    id: tx.id,
    store_id: tx.store_id,
    terminal_id: tx.terminal_id,
    cashier_id: tx.cashier_id,
    status: tx.status,
    currency: tx.currency,
    customer_ref: tx.customer_ref,
    prescription_code: tx.prescription_code,
    lines: lines.map((l) => ({ ...l })),
    totals: {
      subtotal_minor: tx.subtotal_minor,
      discount_minor: tx.discount_minor,
      tax_minor: tx.tax_minor,
      total_minor: tx.total_minor,
      item_count: tx.item_count,
    },
    paid_minor: captured_minor,
    pending_minor,
    due_minor: due > 0n ? due : 0n,
    /** Over-capture (split tenders that ended above the total); cash change is per payment. */
    overpaid_minor: due < 0n ? -due : 0n,
    refunded_minor: tx.refunded_minor,
    payments: payments.map(paymentView),
    created_at: tx.created_at,
    finalized_at: tx.finalized_at,
    voided_at: tx.voided_at,
    void_reason: tx.void_reason,
  };
}

export function saleLine(l: LineRow): SaleLine {
  return {
    line_no: l.line_no,
    sku: l.sku,
    barcode: l.barcode,
    product_name: l.product_name,
    category: l.category,
    quantity: l.quantity,
    unit_price_minor: toSafeNumber(l.unit_price_minor),
    discount_minor: toSafeNumber(l.discount_minor),
    tax_rate_bp: l.tax_rate_bp,
    tax_minor: toSafeNumber(l.tax_minor),
    line_total_minor: toSafeNumber(l.line_total_minor),
    lots: [],
  };
}
