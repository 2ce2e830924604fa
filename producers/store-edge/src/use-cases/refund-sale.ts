import type pg from 'pg';
import { refundShare } from '../checkout-math.ts';
import { applyStockDeltas } from '../db/inventory-repo.ts';
import { loadLines, loadPayments, lockTransaction } from '../db/transaction-repo.ts';
import type { RefundLine } from '../events.ts';
import { badRequest, conflict, notFound } from '../http/api-error.ts';
import { toSafeNumber } from '../http/json.ts';
import { appendEvents } from '../outbox-writer.ts';
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
  const [lines, payments] = await Promise.all([loadLines(client, txId), loadPayments(client, txId)]);
  const byNo = new Map(lines.map((l) => [l.line_no, l]));

  const requested =
    input.lines ??
    lines
      .filter((l) => l.quantity > l.refunded_quantity)
      .map((l) => ({ line_no: l.line_no, quantity: l.quantity - l.refunded_quantity }));
  if (new Set(requested.map((r) => r.line_no)).size !== requested.length) {
    throw badRequest('DUPLICATE_LINE', 'each line_no may appear once per refund', 'lines');
  }
  requested.forEach((r, i) => {
    if (!byNo.has(r.line_no))
      throw notFound('LINE_NOT_FOUND', `transaction has no line ${r.line_no}`, `lines.${i}.line_no`);
  });

  // Status first: refunding a voided or unpaid sale is a 409 whatever the quantities say.
  const unitsLeft =
    lines.reduce((n, l) => n + l.quantity - l.refunded_quantity, 0) -
    requested.reduce((n, r) => n + r.quantity, 0);
  const decision = decide('REFUND', {
    ...txFacts(tx, lines, payments),
    units_left_after_refund: Math.max(0, unitsLeft),
  });
  if (!decision.ok) throw conflict(decision.code, decision.message);
  if (requested.length === 0) throw conflict('NOTHING_TO_REFUND', 'every line is already refunded');

  const refundLines: RefundLine[] = requested.map((r, i) => {
    const line = byNo.get(r.line_no)!;
    const left = line.quantity - line.refunded_quantity;
    if (r.quantity > left) {
      throw conflict(
        'REFUND_EXCEEDS_SOLD',
        `line ${r.line_no}: ${r.quantity} requested, ${left} left to refund`,
        `lines.${i}.quantity`,
      );
    }
    const amount = refundShare(line.line_total_minor, line.quantity, line.refunded_quantity, r.quantity);
    return { line_no: r.line_no, sku: line.sku, quantity: r.quantity, amount_minor: toSafeNumber(amount) };
  });
  const amount = refundLines.reduce((sum, l) => sum + BigInt(l.amount_minor), 0n);
  const refundId = uuidv7();

  await client.query(
    `INSERT INTO refunds (id, store_id, transaction_id, terminal_id, cashier_id, amount_minor, currency, reason, restock)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      refundId,
      storeId,
      txId,
      actor.terminalId,
      input.cashier_id,
      amount,
      tx.currency,
      input.reason,
      input.restock,
    ],
  );
  await client.query(
    `INSERT INTO refund_lines (refund_id, line_no, store_id, transaction_id, sku, quantity, amount_minor)
     SELECT $1, r.line_no, $2, $3, r.sku, r.quantity, r.amount_minor
       FROM jsonb_to_recordset($4::jsonb) AS r(line_no int, sku text, quantity int, amount_minor bigint)`,
    [refundId, storeId, txId, JSON.stringify(refundLines)],
  );
  await client.query(
    `UPDATE line_items li SET refunded_quantity = li.refunded_quantity + r.quantity, updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS r(line_no int, quantity int)
      WHERE li.transaction_id = $1 AND li.line_no = r.line_no`,
    [txId, JSON.stringify(refundLines)],
  );
  await client.query(
    'UPDATE transactions SET status = $2, refunded_minor = refunded_minor + $3, updated_at = now() WHERE id = $1',
    [txId, decision.next, amount],
  );
  const stock = input.restock
    ? await applyStockDeltas(
        client,
        storeId,
        refundLines.map((l) => ({ sku: l.sku, delta: l.quantity })),
      )
    : [];
  await appendEvents(client, storeId, [
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
  ]);
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
      lines: refundLines,
      stock,
    },
  };
}
