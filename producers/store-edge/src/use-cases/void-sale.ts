import type pg from 'pg';
import { applyStockDeltas } from '../db/inventory-repo.ts';
import { loadSoldLots, restockLots } from '../db/lot-repo.ts';
import { loadLines, loadPayments, lockTransaction, markVoided } from '../db/transaction-repo.ts';
import type { EventDraft } from '../events.ts';
import { toSafeNumber } from '../json-text.ts';
import { Refusal } from '../refusal.ts';
import type { Actor, StoreServices, UseCaseResult } from '../store-context.ts';
import { decide } from '../transaction-state.ts';
import { txFacts } from '../transaction-view.ts';
import { loadTransactionView } from './load-view.ts';
import { failPendingPayments, paymentEvent } from './payments.ts';

/**
 * Cancels a sale. A DRAFT is simply abandoned (pending QR payments fail with it); a PAID sale is
 * reversed: its goods go back on the shelf. Captured payments of a DRAFT stay recorded; the view's
 * paid_minor tells the cashier what to hand back.
 */
export async function voidSale(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  txId: string,
  input: { reason: string; cashier_id?: string | undefined },
): Promise<UseCaseResult> {
  const storeId = svc.store.store_id;
  const tx = await lockTransaction(client, storeId, txId);
  const [lines, payments] = await Promise.all([loadLines(client, txId), loadPayments(client, txId)]);
  const decision = decide('VOID', txFacts(tx, lines, payments));
  if (!decision.ok) throw new Refusal(decision.code, decision.message);
  const cashierId = input.cashier_id ?? tx.cashier_id;
  const wasPaid = tx.status === 'PAID';

  const failed = wasPaid ? [] : await failPendingPayments(client, payments, 'SALE_VOIDED');
  const stock = wasPaid
    ? await applyStockDeltas(
        client,
        storeId,
        lines.map((l) => ({ sku: l.sku, delta: l.quantity })),
      )
    : [];
  // Medicines go back into the very lots they were sold from (a voided sale has no refunds). The
  // event names no lots: SaleVoided cancels the sale, whose SaleRecorded lines carry them.
  if (wasPaid) await restockLots(client, storeId, await loadSoldLots(client, txId));
  await markVoided(client, txId, decision.next, input.reason, cashierId);
  const events: EventDraft[] = failed.map((p) => paymentEvent(p, actor.terminalId));
  events.push({
    event_type: 'SaleVoided',
    terminal_id: actor.terminalId,
    cashier_id: cashierId,
    fields: {
      transaction_id: tx.id,
      reason: input.reason,
      was_paid: wasPaid,
      total_minor: toSafeNumber(tx.total_minor),
      currency: tx.currency,
      stock,
    },
  });
  return { status: 200, body: await loadTransactionView(client, storeId, txId), events };
}
