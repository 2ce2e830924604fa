import { pseudonymiseCustomer } from '../customer-pseudonym.ts';
import type { GuardedStep } from '../db/guarded-commit.ts';
import type { GuardedChange } from '../db/guarded-write.ts';
import { sellStockWrite, SOLD_ON_HAND_PATCH } from '../db/inventory-repo.ts';
import { soldLotsWrite, takeLotsWrite, type LotRow } from '../db/lot-repo.ts';
import type { SaleSnapshot } from '../db/sale-snapshot.ts';
import { updateSaleGuard } from '../db/sale-writes.ts';
import type { SaleLine, StockChange } from '../events.ts';
import { toSafeNumber } from '../json-text.ts';
import { lotView, planFefo, storeDay } from '../lots.ts';
import { Refusal } from '../refusal.ts';
import { mergeStockDeltas } from '../stock-deltas.ts';
import type { Actor, StoreServices } from '../store-context.ts';
import { decide } from '../transaction-state.ts';
import { saleLine, transactionView, txFacts } from '../transaction-view.ts';

export interface FinalizeInput {
  customer_id?: string | undefined;
  prescription_code?: string | undefined;
}

/**
 * Closes the sale: payments must cover the total, stock goes down, medicines leave by lot, status
 * becomes PAID and SaleRecorded joins the outbox — one read, then one guarded write statement
 * (guarded-write.ts), so an acknowledged sale is durable with its event (guarantee 1) and nothing
 * here waits on the network.
 */
export function finalizeStep(
  svc: StoreServices,
  actor: Actor,
  txId: string,
  input: FinalizeInput,
  afterCommit?: () => void,
): GuardedStep {
  return {
    read: { saleId: txId, stock: true },
    plan: (snapshot, now) => ({ ...finalizeSale(svc, actor, txId, input, snapshot!, now), afterCommit }),
  };
}

function finalizeSale(
  svc: StoreServices,
  actor: Actor,
  txId: string,
  input: FinalizeInput,
  snapshot: SaleSnapshot,
  now: Date,
): GuardedChange {
  const storeId = svc.store.store_id;
  const { tx, lines, payments, lotSkus, onHand } = snapshot;
  if (!tx) throw new Refusal('TRANSACTION_NOT_FOUND', `no transaction ${txId}`, 'id');
  const decision = decide('FINALIZE', txFacts(tx, lines, payments));
  if (!decision.ok) throw new Refusal(decision.code, decision.message);

  // on_hand_after is what the write statement leaves (SOLD_ON_HAND_PATCH fills it into the event);
  // the read's on_hand is what the reject policy judges, and the write holds it to that.
  const moves = mergeStockDeltas(lines.map((l) => ({ sku: l.sku, delta: -l.quantity })));
  if (svc.stockPolicy === 'reject') {
    const short = moves.filter((m) => (onHand.get(m.sku) ?? 0) + m.delta < 0);
    if (short.length > 0) {
      throw new Refusal(
        'INSUFFICIENT_STOCK',
        `not enough stock for ${short.map((m) => `${m.sku} (${onHand.get(m.sku) ?? 0} on hand)`).join(', ')}`,
        'lines',
      );
    }
  }
  const stock: StockChange[] = moves.map((m) => ({ ...m, on_hand_after: 0, lots: [] }));

  // Medicines leave by lot, earliest expiry first, expired lots never; a sale without medicines
  // takes no lots at all.
  const lotTracked = new Set(lotSkus);
  const soldLines = lines.filter((l) => lotTracked.has(l.sku));
  const today = storeDay(now, svc.store.timezone);
  const { taken, short } = planFefo(
    snapshot.lots,
    soldLines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    today,
  );
  if (short.length > 0) {
    throw new Refusal(
      'INSUFFICIENT_LOT_STOCK',
      `not enough unexpired stock for ${short.map((s) => `${s.sku} (${s.available} of ${s.quantity})`).join(', ')}`,
      'lines',
    );
  }
  const lotsBySku = groupBySku(taken);
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
  const prescriptionCode = input.prescription_code ?? null;
  // Lines and payments are unchanged by finalizing; the row differs only in what is set.
  const after = {
    ...tx,
    status: decision.next,
    customer_ref: customerRef,
    finalized_at: now,
    prescription_code: prescriptionCode,
  };
  const soldView = lines.map((l, i) => ({ ...l, lots: eventLines[i]!.lots.map(lotView) }));
  return {
    status: 200,
    body: transactionView(after, soldView, payments),
    guard: updateSaleGuard(tx, {
      status: decision.next,
      customer_ref: customerRef,
      finalized_at: now,
      finalized_by_terminal_id: actor.terminalId,
      prescription_code: prescriptionCode,
    }),
    writes: [
      sellStockWrite(storeId, moves, svc.stockPolicy === 'reject'),
      ...(taken.length > 0 ? [takeLotsWrite(storeId, taken, today, moves.length)] : []),
      ...(soldLots.length > 0 ? [soldLotsWrite(storeId, txId, soldLots)] : []),
    ],
    payloadPatch: SOLD_ON_HAND_PATCH,
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
          prescription_code: prescriptionCode,
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
