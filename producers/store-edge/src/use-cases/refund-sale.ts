import type pg from 'pg';
import { refundShare } from '../checkout-math.ts';
import { applyStockDeltas } from '../db/inventory-repo.ts';
import { loadSoldLots, markLotsRefunded, restockLots } from '../db/lot-repo.ts';
import { recordRefund } from '../db/refund-repo.ts';
import { loadLines, loadPayments, lockTransaction } from '../db/transaction-repo.ts';
import type { RefundLine } from '../events.ts';
import { toSafeNumber } from '../json-text.ts';
import { lotView, refundLots } from '../lots.ts';
import { Refusal } from '../refusal.ts';
import type { Actor, StoreServices, UseCaseResult } from '../store-context.ts';
import { decide } from '../transaction-state.ts';
import { txFacts } from '../transaction-view.ts';
import { uuidv7 } from '../uuid-v7.ts';

export interface RefundInput {
  cashier_id: string;
  reason: string;
  /** Omitted: everything not refunded yet. */
  lines?: { line_no: number; quantity: number }[] | undefined;
  /** Returned goods go back into stock unless they are unsellable. */
  restock: boolean;
}

/**
 * Gives money back for some or all units of a paid sale. Each line can be refunded at most the
 * quantity sold minus what earlier refunds took; amounts follow refundShare so a line refunded in
 * several steps returns exactly its line total.
 */
export async function refundSale(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  txId: string,
  input: RefundInput,
): Promise<UseCaseResult> {
  const storeId = svc.store.store_id;
  const tx = await lockTransaction(client, storeId, txId);
  const [lines, payments, soldLots] = await Promise.all([
    loadLines(client, txId),
    loadPayments(client, txId),
    loadSoldLots(client, txId),
  ]);
  const byNo = new Map(lines.map((l) => [l.line_no, l]));

  const requested =
    input.lines ??
    lines
      .filter((l) => l.quantity > l.refunded_quantity)
      .map((l) => ({ line_no: l.line_no, quantity: l.quantity - l.refunded_quantity }));
  if (new Set(requested.map((r) => r.line_no)).size !== requested.length) {
    throw new Refusal('DUPLICATE_LINE', 'each line_no may appear once per refund', 'lines');
  }
  requested.forEach((r, i) => {
    if (!byNo.has(r.line_no))
      throw new Refusal('LINE_NOT_FOUND', `transaction has no line ${r.line_no}`, `lines.${i}.line_no`);
  });

  // Status first: refunding a voided or unpaid sale is a 409 whatever the quantities say.
  const unitsLeft =
    lines.reduce((n, l) => n + l.quantity - l.refunded_quantity, 0) -
    requested.reduce((n, r) => n + r.quantity, 0);
  const decision = decide('REFUND', {
    ...txFacts(tx, lines, payments),
    units_left_after_refund: Math.max(0, unitsLeft),
  });
  if (!decision.ok) throw new Refusal(decision.code, decision.message);
  if (requested.length === 0) throw new Refusal('NOTHING_TO_REFUND', 'every line is already refunded');

  // Refunded units of medicines are counted against the lots they were sold from (restocked or not,
  // so a later refund never takes the same units twice); only restocked units name their lots.
  const returnedLots: { line_no: number; lot_no: string; quantity: number }[] = [];
  const refundLines: RefundLine[] = requested.map((r, i) => {
    const line = byNo.get(r.line_no)!;
    const left = line.quantity - line.refunded_quantity;
    if (r.quantity > left) {
      throw new Refusal(
        'REFUND_EXCEEDS_SOLD',
        `line ${r.line_no}: ${r.quantity} requested, ${left} left to refund`,
        `lines.${i}.quantity`,
      );
    }
    const amount = refundShare(line.line_total_minor, line.quantity, line.refunded_quantity, r.quantity);
    const lots = refundLots(
      soldLots.filter((l) => l.line_no === r.line_no),
      r.quantity,
    );
    returnedLots.push(...lots.map((l) => ({ line_no: r.line_no, lot_no: l.lot_no, quantity: l.quantity })));
    return {
      line_no: r.line_no,
      sku: line.sku,
      quantity: r.quantity,
      amount_minor: toSafeNumber(amount),
      lots: input.restock ? lots : [],
    };
  });
  const amount = refundLines.reduce((sum, l) => sum + BigInt(l.amount_minor), 0n);
  const refundId = uuidv7();

  await recordRefund(
    client,
    {
      id: refundId,
      store_id: storeId,
      transaction_id: txId,
      terminal_id: actor.terminalId,
      cashier_id: input.cashier_id,
      amount_minor: amount,
      currency: tx.currency,
      reason: input.reason,
      restock: input.restock,
      lines: refundLines,
    },
    decision.next,
  );
  const stock = input.restock
    ? await applyStockDeltas(
        client,
        storeId,
        refundLines.map((l) => ({ sku: l.sku, delta: l.quantity })),
      )
    : [];
  await markLotsRefunded(client, txId, returnedLots);
  if (input.restock)
    await restockLots(
      client,
      storeId,
      refundLines.flatMap((l) => l.lots.map((lot) => ({ ...lot, sku: l.sku }))),
    );
  return {
    status: 201,
    body: {
      id: refundId,
      transaction_id: txId,
      transaction_status: decision.next,
      amount_minor: amount,
      currency: tx.currency,
      reason: input.reason,
      restock: input.restock,
      lines: refundLines.map((l) => ({ ...l, lots: l.lots.map(lotView) })),
      stock,
    },
    events: [
      {
        event_type: 'SaleRefunded',
        terminal_id: actor.terminalId,
        cashier_id: input.cashier_id,
        fields: {
          transaction_id: txId,
          refund_id: refundId,
          amount_minor: toSafeNumber(amount),
          currency: tx.currency,
          reason: input.reason,
          lines: refundLines,
          stock,
        },
      },
    ],
  };
}
