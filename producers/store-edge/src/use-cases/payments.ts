import type pg from 'pg';
import {
  loadSaleContents,
  lockTransaction,
  PAYMENT_COLUMNS,
  type PaymentRow,
  type TxRow,
} from '../db/transaction-repo.ts';
import type { EventDraft } from '../events.ts';
import { badRequest, conflict, notFound } from '../http/api-error.ts';
import { toSafeNumber } from '../http/json.ts';
import { appendEvents, eventsWrite, OUTBOX_PARAM_COUNT, type FinalWrite } from '../outbox-writer.ts';
import { decideSettle, type PaymentMethod } from '../payment-state.ts';
import type { QrCallback } from '../payment-provider.ts';
import type { Actor, Claim, StoreServices, UseCaseResult } from '../store-context.ts';
import { amountStillDue, decide } from '../transaction-state.ts';
import { paymentView, txFacts } from '../transaction-view.ts';
import { uuidv7 } from '../uuid-v7.ts';

export type CreatePaymentInput =
  | { method: 'CASH'; amount_minor?: bigint | undefined; tendered_minor?: bigint | undefined }
  | { method: 'CARD'; amount_minor?: bigint | undefined; card_token: string }
  | { method: 'QR'; amount_minor?: bigint | undefined };

interface NewPayment {
  id: string;
  store_id: string;
  transaction_id: string;
  terminal_id: string;
  cashier_id: string;
  method: PaymentMethod;
  status: 'PENDING' | 'CAPTURED' | 'FAILED';
  amount_minor: bigint;
  currency: string;
  tendered_minor: bigint | null;
  change_minor: bigint | null;
  provider_ref: string | null;
  qr_payload: string | null;
  expires_at: Date | null;
  failure_reason: string | null;
}

/** INSERT of a payment with its placeholders numbered from `first` (15 of them), RETURNING the row. */
function insertPaymentSql(first: number): string {
  const $ = (i: number) => `$${first + i - 1}`;
  return `INSERT INTO payments (id, store_id, transaction_id, terminal_id, cashier_id, method, status, amount_minor, currency,
       tendered_minor, change_minor, provider_ref, qr_payload, expires_at, failure_reason, settled_at)
     VALUES (${[...Array(15).keys()].map((i) => $(i + 1)).join(', ')},
       CASE WHEN ${$(7)}::text = 'PENDING' THEN NULL ELSE now() END)
     RETURNING ${PAYMENT_COLUMNS}`;
}

function paymentValues(p: NewPayment): unknown[] {
  return [
    p.id,
    p.store_id,
    p.transaction_id,
    p.terminal_id,
    p.cashier_id,
    p.method,
    p.status,
    p.amount_minor,
    p.currency,
    p.tendered_minor,
    p.change_minor,
    p.provider_ref,
    p.qr_payload,
    p.expires_at,
    p.failure_reason,
  ];
}

async function insertPayment(client: pg.ClientBase, p: NewPayment): Promise<PaymentRow> {
  const { rows } = await client.query<PaymentRow>({
    name: 'se_insert_payment',
    text: insertPaymentSql(1),
    values: paymentValues(p),
  });
  return rows[0]!;
}

/**
 * A settled (CASH/CARD) payment as the row the INSERT below stores (created_at and settled_at are
 * the transaction's now()), and that INSERT with its PaymentCaptured/PaymentFailed event as one
 * final write.
 */
function settledPayment(
  storeId: string,
  p: NewPayment,
  terminalId: string,
  now: Date,
): { payment: PaymentRow; finalWrite: FinalWrite } {
  const { store_id: _storeId, ...row } = p;
  return {
    payment: { ...row, created_at: now, settled_at: now },
    finalWrite: eventsWrite(storeId, [paymentEvent(p, terminalId)], undefined, {
      name: 'insert_payment',
      sql: insertPaymentSql(OUTBOX_PARAM_COUNT + 1),
      values: paymentValues(p),
    }),
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

/**
 * Takes a payment toward the sale. CASH and CARD settle now (PaymentCaptured / PaymentFailed in
 * this transaction); QR is only issued here and settles when the provider calls back. The amount
 * defaults to what is still due and may not exceed it (pending QR payments count as covering).
 */
export async function createPayment(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  txId: string,
  input: CreatePaymentInput,
  claim: Claim,
): Promise<UseCaseResult> {
  const tx = await lockTransaction(client, svc.store.store_id, txId, claim.locked);
  const { lines, payments } = await loadSaleContents(client, txId);
  const facts = txFacts(tx, lines, payments);
  const decision = decide('ADD_PAYMENT', facts);
  if (!decision.ok) throw conflict(decision.code, decision.message);
  const due = amountStillDue(facts);
  const amount = input.amount_minor ?? due;
  if (amount > due)
    throw conflict('AMOUNT_EXCEEDS_DUE', `amount ${amount} exceeds the ${due} still due`, 'amount_minor');

  const base: NewPayment = {
    id: uuidv7(),
    store_id: svc.store.store_id,
    transaction_id: txId,
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

  if (input.method === 'CASH') {
    const tendered = input.tendered_minor ?? amount;
    if (tendered < amount)
      throw badRequest('TENDERED_TOO_LOW', 'tendered cash is less than the amount', 'tendered_minor');
    const { payment, finalWrite } = settledPayment(
      svc.store.store_id,
      { ...base, tendered_minor: tendered, change_minor: tendered - amount },
      actor.terminalId,
      claim.now,
    );
    return { status: 201, body: paymentView(payment), finalWrite };
  }

  if (input.method === 'CARD') {
    const result = await svc.card.authorizeAndCapture({
      payment_id: base.id,
      amount_minor: amount,
      currency: tx.currency,
      card_token: input.card_token,
    });
    const { payment, finalWrite } = settledPayment(
      svc.store.store_id,
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
        finalWrite,
      };
    }
    return { status: 201, body: paymentView(payment), finalWrite };
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
  const { rows } = await client.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1 FOR UPDATE`,
    [payment.id],
  );
  return { tx, current: rows[0]! };
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
  if (!decision.ok) throw conflict(decision.code, decision.message);
}

async function settle(
  client: pg.ClientBase,
  svc: StoreServices,
  current: PaymentRow,
  outcome: 'CAPTURED' | 'FAILED',
  reason: string | null,
  terminalId: string | null,
): Promise<PaymentRow> {
  const { rows } = await client.query<PaymentRow>(
    `UPDATE payments SET status = $2, failure_reason = $3, settled_at = now() WHERE id = $1 RETURNING ${PAYMENT_COLUMNS}`,
    [current.id, outcome, outcome === 'FAILED' ? reason : null],
  );
  const settled = rows[0]!;
  await appendEvents(client, svc.store.store_id, [paymentEvent(settled, terminalId)]);
  return settled;
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
  const { rows } = await client.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE provider_ref = $1 AND method = 'QR' AND store_id = $2`,
    [cb.provider_ref, svc.store.store_id],
  );
  if (!rows[0]) throw notFound('PAYMENT_NOT_FOUND', `no QR payment ${cb.provider_ref}`, 'provider_ref');
  const { tx, current } = await lockPendingContext(client, svc, rows[0]);
  if (cb.amount_minor !== current.amount_minor) {
    throw badRequest(
      'AMOUNT_MISMATCH',
      `callback amount ${cb.amount_minor} differs from ${current.amount_minor}`,
      'amount_minor',
    );
  }
  const decision = decideSettle(current.status, cb.outcome);
  if (decision.kind === 'refuse') throw conflict(decision.code, decision.message);
  if (decision.kind === 'repeat') return { status: 200, body: paymentView(current) };
  assertSaleOpen(tx);
  // No terminal acted: the provider did. The payment's terminal is where the customer paid.
  const settled = await settle(client, svc, current, cb.outcome, cb.reason, current.terminal_id);
  return { status: 200, body: paymentView(settled) };
}

/** The cashier gives up on a pending QR payment (customer walked away, app failed). */
export async function cancelPayment(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  paymentId: string,
): Promise<UseCaseResult> {
  const { rows } = await client.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1 AND store_id = $2`,
    [paymentId, svc.store.store_id],
  );
  if (!rows[0]) throw notFound('PAYMENT_NOT_FOUND', `no payment ${paymentId}`, 'id');
  const { tx, current } = await lockPendingContext(client, svc, rows[0]);
  if (current.status !== 'PENDING')
    throw conflict('PAYMENT_NOT_PENDING', `payment is already ${current.status}`);
  assertSaleOpen(tx);
  const settled = await settle(client, svc, current, 'FAILED', 'CANCELLED', actor.terminalId);
  return { status: 200, body: paymentView(settled) };
}

/** Fails every pending payment of a sale that is being voided, in the caller's transaction. */
export async function failPendingPayments(
  client: pg.ClientBase,
  payments: readonly PaymentRow[],
  reason: string,
): Promise<PaymentRow[]> {
  const failed: PaymentRow[] = [];
  for (const p of payments.filter((x) => x.status === 'PENDING')) {
    const { rows } = await client.query<PaymentRow>(
      `UPDATE payments SET status = 'FAILED', failure_reason = $2, settled_at = now() WHERE id = $1 RETURNING ${PAYMENT_COLUMNS}`,
      [p.id, reason],
    );
    failed.push(rows[0]!);
  }
  return failed;
}
