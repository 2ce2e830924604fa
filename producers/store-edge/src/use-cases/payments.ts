import type pg from 'pg';
import {
  findPayment,
  findQrPayment,
  insertPayment,
  insertPaymentWrite,
  insertSettledPaymentWrite,
  lockPayment,
  settlePayment,
  type NewPayment,
} from '../db/payment-repo.ts';
import type { GuardedStep } from '../db/guarded-commit.ts';
import type { GuardedChange } from '../db/guarded-write.ts';
import { updateSaleGuard } from '../db/sale-writes.ts';
import {
  loadSaleContents,
  lockTransaction,
  type LineRow,
  type PaymentRow,
  type TxRow,
} from '../db/transaction-repo.ts';
import type { EventDraft } from '../events.ts';
import { toSafeNumber } from '../json-text.ts';
import { decideSettle } from '../payment-state.ts';
import type { QrCallback } from '../payment-provider.ts';
import { Refusal } from '../refusal.ts';
import type { Actor, Claim, StoreServices, UseCaseResult } from '../store-context.ts';
import { amountStillDue, decide } from '../transaction-state.ts';
import { paymentView, txFacts } from '../transaction-view.ts';
import { uuidv7 } from '../uuid-v7.ts';

export type CreatePaymentInput =
  | { method: 'CASH'; amount_minor?: bigint | undefined; tendered_minor?: bigint | undefined }
  | { method: 'CARD'; amount_minor?: bigint | undefined; card_token: string }
  | { method: 'QR'; amount_minor?: bigint | undefined };

/**
 * A settled (CASH/CARD) payment as the row its INSERT stores (created_at and settled_at are the
 * transaction's now()), and that INSERT as a last write with its PaymentCaptured/PaymentFailed event.
 */
function settledPayment(
  p: NewPayment,
  terminalId: string,
  now: Date,
): { payment: PaymentRow; result: Pick<UseCaseResult, 'writes' | 'events'> } {
  const { store_id: _storeId, ...row } = p;
  return {
    payment: { ...row, created_at: now, settled_at: now },
    result: { writes: [insertPaymentWrite(p)], events: [paymentEvent(p, terminalId)] },
  };
}

export function paymentEvent(
  p: Pick<
    PaymentRow,
    | 'id'
    | 'transaction_id'
    | 'cashier_id'
    | 'method'
    | 'status'
    | 'amount_minor'
    | 'currency'
    | 'provider_ref'
    | 'failure_reason'
  >,
  storeTerminal: string | null,
): EventDraft {
  const common = {
    transaction_id: p.transaction_id,
    payment_id: p.id,
    method: p.method,
    amount_minor: toSafeNumber(p.amount_minor),
    currency: p.currency,
  };
  return p.status === 'CAPTURED'
    ? {
        event_type: 'PaymentCaptured',
        terminal_id: storeTerminal,
        cashier_id: p.cashier_id,
        fields: { ...common, provider_ref: p.provider_ref },
      }
    : {
        event_type: 'PaymentFailed',
        terminal_id: storeTerminal,
        cashier_id: p.cashier_id,
        fields: { ...common, reason: p.failure_reason ?? 'FAILED' },
      };
}

/** The sale's payment so far and the new one's amount: what the sale allows, checked. */
function newPayment(
  svc: StoreServices,
  actor: Actor,
  tx: TxRow,
  lines: readonly LineRow[],
  payments: readonly PaymentRow[],
  input: CreatePaymentInput,
): NewPayment {
  const facts = txFacts(tx, lines, payments);
  const decision = decide('ADD_PAYMENT', facts);
  if (!decision.ok) throw new Refusal(decision.code, decision.message);
  const due = amountStillDue(facts);
  const amount = input.amount_minor ?? due;
  if (amount > due)
    throw new Refusal('AMOUNT_EXCEEDS_DUE', `amount ${amount} exceeds the ${due} still due`, 'amount_minor');
  return {
    id: uuidv7(),
    store_id: svc.store.store_id,
    transaction_id: tx.id,
    terminal_id: actor.terminalId,
    cashier_id: tx.cashier_id,
    method: input.method,
    status: 'CAPTURED',
    amount_minor: amount,
    currency: tx.currency,
    tendered_minor: null,
    change_minor: null,
    provider_ref: null,
    qr_payload: null,
    expires_at: null,
    failure_reason: null,
  };
}

/**
 * A cash payment: nothing outside the database happens, so it takes the optimistic path (one read,
 * one guarded write that bumps the sale's version, inserts the payment and PaymentCaptured). The
 * amount defaults to what is still due and may not exceed it (pending QR payments count as covering).
 */
export function cashPaymentStep(
  svc: StoreServices,
  actor: Actor,
  txId: string,
  input: Extract<CreatePaymentInput, { method: 'CASH' }>,
): GuardedStep {
  return {
    read: { saleId: txId },
    plan: (snapshot, now): GuardedChange => {
      const { tx, lines, payments } = snapshot!;
      if (!tx) throw new Refusal('TRANSACTION_NOT_FOUND', `no transaction ${txId}`, 'id');
      const base = newPayment(svc, actor, tx, lines, payments, input);
      const tendered = input.tendered_minor ?? base.amount_minor;
      if (tendered < base.amount_minor)
        throw new Refusal('TENDERED_TOO_LOW', 'tendered cash is less than the amount', 'tendered_minor');
      const p: NewPayment = { ...base, tendered_minor: tendered, change_minor: tendered - base.amount_minor };
      const { store_id: _storeId, ...row } = p;
      return {
        status: 201,
        body: paymentView({ ...row, created_at: now, settled_at: now }),
        guard: updateSaleGuard(tx, {}),
        writes: [insertSettledPaymentWrite(p, now)],
        events: [paymentEvent(p, actor.terminalId)],
      };
    },
  };
}

/**
 * Takes a card or QR payment toward the sale, under the sale's row lock: the card acquirer and the
 * QR provider are called while it is held, so an optimistic retry can never call them twice. CARD
 * settles now (PaymentCaptured / PaymentFailed in this transaction); QR is only issued here and
 * settles when the provider calls back.
 */
export async function createPayment(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  txId: string,
  input: Exclude<CreatePaymentInput, { method: 'CASH' }>,
  claim: Claim,
): Promise<UseCaseResult> {
  const tx = await lockTransaction(client, svc.store.store_id, txId, claim.locked);
  const { lines, payments } = await loadSaleContents(client, txId);
  const base = newPayment(svc, actor, tx, lines, payments, input);
  const amount = base.amount_minor;

  if (input.method === 'CARD') {
    const result = await svc.card.authorizeAndCapture({
      payment_id: base.id,
      amount_minor: amount,
      currency: tx.currency,
      card_token: input.card_token,
    });
    const { payment, result: settled } = settledPayment(
      result.approved
        ? { ...base, provider_ref: result.provider_ref }
        : { ...base, status: 'FAILED', failure_reason: result.reason },
      actor.terminalId,
      claim.now,
    );
    if (payment.status === 'FAILED') {
      // 402 with the payment: the attempt is recorded (and replayed on retry), the sale stays open.
      return {
        status: 402,
        body: {
          error: { code: payment.failure_reason, message: 'card payment declined', field: null },
          payment: paymentView(payment),
        },
        ...settled,
      };
    }
    return { status: 201, body: paymentView(payment), ...settled };
  }

  const expiresAt = new Date(Date.now() + svc.qrExpirySeconds * 1000);
  const issued = await svc.qr.createQrPayment({
    payment_id: base.id,
    store_id: svc.store.store_id,
    amount_minor: amount,
    currency: tx.currency,
    expires_at: expiresAt,
  });
  const payment = await insertPayment(client, {
    ...base,
    status: 'PENDING',
    provider_ref: issued.provider_ref,
    qr_payload: issued.qr_payload,
    expires_at: expiresAt,
  });
  return { status: 201, body: paymentView(payment) };
}

async function lockPendingContext(
  client: pg.ClientBase,
  svc: StoreServices,
  payment: Pick<PaymentRow, 'id' | 'transaction_id'>,
) {
  // Sale first, then payment: the same lock order as every other request touching this sale.
  const tx = await lockTransaction(client, svc.store.store_id, payment.transaction_id);
  return { tx, current: await lockPayment(client, payment.id) };
}

function assertSaleOpen(tx: TxRow): void {
  const decision = decide('SETTLE_PAYMENT', {
    status: tx.status,
    line_count: 0,
    total_minor: 0n,
    captured_minor: 0n,
    pending_minor: 0n,
    pending_count: 0,
  });
  if (!decision.ok) throw new Refusal(decision.code, decision.message);
}

/** Settles a pending payment of a sale still open; its event names the terminal it happened at. */
async function settleOnOpenSale(
  client: pg.ClientBase,
  tx: TxRow,
  paymentId: string,
  outcome: 'CAPTURED' | 'FAILED',
  reason: string | null,
  terminalId: string,
): Promise<UseCaseResult> {
  assertSaleOpen(tx);
  const settled = await settlePayment(client, paymentId, outcome, reason);
  return { status: 200, body: paymentView(settled), events: [paymentEvent(settled, terminalId)] };
}

/**
 * The provider's callback for a QR payment. Repeating a callback (providers retry until they get
 * a 2xx) answers 200 again and changes nothing; a contradicting outcome is a 409 for the provider
 * to reconcile.
 */
export async function settleQrPayment(
  client: pg.ClientBase,
  svc: StoreServices,
  cb: QrCallback,
): Promise<UseCaseResult> {
  const found = await findQrPayment(client, svc.store.store_id, cb.provider_ref);
  if (!found) throw new Refusal('PAYMENT_NOT_FOUND', `no QR payment ${cb.provider_ref}`, 'provider_ref');
  const { tx, current } = await lockPendingContext(client, svc, found);
  if (cb.amount_minor !== current.amount_minor) {
    throw new Refusal(
      'AMOUNT_MISMATCH',
      `callback amount ${cb.amount_minor} differs from ${current.amount_minor}`,
      'amount_minor',
    );
  }
  const decision = decideSettle(current.status, cb.outcome);
  if (decision.kind === 'refuse') throw new Refusal(decision.code, decision.message);
  if (decision.kind === 'repeat') return { status: 200, body: paymentView(current) };
  // No terminal acted: the provider did. The payment's terminal is where the customer paid.
  return settleOnOpenSale(client, tx, current.id, cb.outcome, cb.reason, current.terminal_id);
}

/** The cashier gives up on a pending QR payment (customer walked away, app failed). */
export async function cancelPayment(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  paymentId: string,
): Promise<UseCaseResult> {
  const found = await findPayment(client, svc.store.store_id, paymentId);
  if (!found) throw new Refusal('PAYMENT_NOT_FOUND', `no payment ${paymentId}`, 'id');
  const { tx, current } = await lockPendingContext(client, svc, found);
  if (current.status !== 'PENDING')
    throw new Refusal('PAYMENT_NOT_PENDING', `payment is already ${current.status}`);
  return settleOnOpenSale(client, tx, current.id, 'FAILED', 'CANCELLED', actor.terminalId);
}

/** Fails every pending payment of a sale that is being voided, in the caller's transaction. */
export async function failPendingPayments(
  client: pg.ClientBase,
  payments: readonly PaymentRow[],
  reason: string,
): Promise<PaymentRow[]> {
  const failed: PaymentRow[] = [];
  for (const p of payments.filter((x) => x.status === 'PENDING')) {
    failed.push(await settlePayment(client, p.id, 'FAILED', reason));
  }
  return failed;
}
