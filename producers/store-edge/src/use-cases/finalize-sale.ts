import type pg from 'pg';
import { pseudonymiseCustomer } from '../customer-pseudonym.ts';
import { soldLotsWrite, takeLotsFefo, type LotRow } from '../db/lot-repo.ts';
import type { SaleLine, StockChange } from '../events.ts';
import { mergeStockDeltas } from '../stock-deltas.ts';
import { finalizeWrite, loadSaleContents, lockTransaction } from '../db/transaction-repo.ts';
import { toSafeNumber } from '../json-text.ts';
import { lotView, storeDay } from '../lots.ts';
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
  input: { customer_id?: string | undefined; prescription_code?: string | undefined },
  claim: Claim,
): Promise<UseCaseResult> {
  const storeId = svc.store.store_id;
  const tx = await lockTransaction(client, storeId, txId, claim.locked);
  // The units leave stock in the statement that reads the sale (one round trip); a refusal below
  // rolls that back with everything else.
  const { lines, payments, lotSkus, sold } = await loadSaleContents(client, txId, null, storeId);
  const decision = decide('FINALIZE', txFacts(tx, lines, payments));
  if (!decision.ok) throw new Refusal(decision.code, decision.message);

  const stock: StockChange[] = mergeStockDeltas(lines.map((l) => ({ sku: l.sku, delta: -l.quantity }))).map(
    (m) => ({ ...m, on_hand_after: sold.get(m.sku)!, lots: [] }),
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

  // Medicines leave by lot, earliest expiry first, expired lots never: one statement for the
  // whole sale, and none at all for a sale without medicines.
  const lotTracked = new Set(lotSkus);
  const soldLines = lines.filter((l) => lotTracked.has(l.sku));
  const taken = await takeLotsFefo(
    client,
    storeId,
    soldLines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    storeDay(claim.now, svc.store.timezone),
  );
  const lotsBySku = groupBySku(taken);
  const short = soldLines.filter((l) => sumQuantity(lotsBySku.get(l.sku)) < l.quantity);
  if (short.length > 0) {
    throw new Refusal(
      'INSUFFICIENT_LOT_STOCK',
      `not enough unexpired stock for ${short.map((l) => `${l.sku} (${sumQuantity(lotsBySku.get(l.sku))} of ${l.quantity})`).join(', ')}`,
      'lines',
    );
  }
  const soldLots = soldLines.flatMap((l) =>
    (lotsBySku.get(l.sku) ?? []).map((lot) => ({ ...lot, line_no: l.line_no })),
  );
  const eventLines: SaleLine[] = lines.map((l) => ({
    ...saleLine(l),
    lots: (lotsBySku.get(l.sku) ?? []).map(({ sku: _sku, ...lot }) => lot),
  }));

  const customerRef = input.customer_id
    ? pseudonymiseCustomer(input.customer_id, svc.customerHmacKey)
    : tx.customer_ref;
  // Lines and payments are unchanged by finalizing; the row differs only in what is set (now() is
  // the claim's transaction timestamp).
  const after = {
    ...tx,
    status: decision.next,
    customer_ref: customerRef,
    finalized_at: claim.now,
    prescription_code: input.prescription_code ?? null,
  };
  const soldView = lines.map((l, i) => ({ ...l, lots: eventLines[i]!.lots.map(lotView) }));
  return {
    status: 200,
    body: transactionView(after, soldView, payments),
    writes: [
      finalizeWrite(txId, decision.next, customerRef, actor.terminalId, input.prescription_code ?? null),
      ...(soldLots.length > 0 ? [soldLotsWrite(storeId, txId, soldLots)] : []),
    ],
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
          prescription_code: input.prescription_code ?? null,
          lines: eventLines,
          stock,
        },
      },
    ],
  };
}

function groupBySku(lots: readonly LotRow[]): Map<string, LotRow[]> {
  const out = new Map<string, LotRow[]>();
  for (const l of lots) out.set(l.sku, [...(out.get(l.sku) ?? []), l]);
  return out;
}

function sumQuantity(lots: readonly { quantity: number }[] | undefined): number {
  return (lots ?? []).reduce((n, l) => n + l.quantity, 0);
}
