import type pg from 'pg';
import { pseudonymiseCustomer } from '../customer-pseudonym.ts';
import { applyStockDeltas } from '../db/inventory-repo.ts';
import { finalizeWrite, loadSaleContents, lockTransaction } from '../db/transaction-repo.ts';
import { toSafeNumber } from '../json-text.ts';
import { Refusal } from '../refusal.ts';
import type { Actor, Claim, StoreServices, UseCaseResult } from '../store-context.ts';
import { decide } from '../transaction-state.ts';
import { saleLine, transactionView, txFacts } from '../transaction-view.ts';

/**
 * Closes the sale: payments must cover the total, stock goes down, status becomes PAID and
 * SaleRecorded joins the outbox (the status change as a last write, so it rides in the statement
 * that records the event) — all in one database transaction (commitWithEvents), so an acknowledged
 * sale is durable with its event (guarantee 1) and nothing here waits on the network.
 */
export async function finalizeSale(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  txId: string,
  input: { customer_id?: string | undefined },
  claim: Claim,
): Promise<UseCaseResult> {
  const storeId = svc.store.store_id;
  const tx = await lockTransaction(client, storeId, txId, claim.locked);
  const { lines, payments } = await loadSaleContents(client, txId);
  const decision = decide('FINALIZE', txFacts(tx, lines, payments));
  if (!decision.ok) throw new Refusal(decision.code, decision.message);

  const stock = await applyStockDeltas(
    client,
    storeId,
    lines.map((l) => ({ sku: l.sku, delta: -l.quantity })),
  );
  if (svc.stockPolicy === 'reject') {
    const short = stock.filter((s) => s.on_hand_after < 0);
    if (short.length > 0) {
      throw new Refusal(
        'INSUFFICIENT_STOCK',
        `not enough stock for ${short.map((s) => `${s.sku} (${s.on_hand_after - s.delta} on hand)`).join(', ')}`,
        'lines',
      );
    }
  }

  const customerRef = input.customer_id
    ? pseudonymiseCustomer(input.customer_id, svc.customerHmacKey)
    : tx.customer_ref;
  // Lines and payments are unchanged by finalizing; the row differs only in what is set (now() is
  // the claim's transaction timestamp).
  const after = { ...tx, status: decision.next, customer_ref: customerRef, finalized_at: claim.now };
  return {
    status: 200,
    body: transactionView(after, lines, payments),
    writes: [finalizeWrite(txId, decision.next, customerRef, actor.terminalId)],
    events: [
      {
        event_type: 'SaleRecorded',
        terminal_id: actor.terminalId,
        cashier_id: tx.cashier_id,
        fields: {
          transaction_id: tx.id,
          currency: tx.currency,
          subtotal_minor: toSafeNumber(tx.subtotal_minor),
          discount_minor: toSafeNumber(tx.discount_minor),
          tax_minor: toSafeNumber(tx.tax_minor),
          total_minor: toSafeNumber(tx.total_minor),
          item_count: tx.item_count,
          customer_ref: customerRef,
          prescription_code: null,
          lines: lines.map(saleLine),
          stock,
        },
      },
    ],
  };
}
