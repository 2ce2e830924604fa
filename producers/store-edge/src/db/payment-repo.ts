import type pg from 'pg';
import type { GuardedWrite } from './guarded-write.ts';
import type { SqlWrite } from './sql-write.ts';
import { PAYMENT_COLUMNS, type PaymentRow } from './transaction-repo.ts';

/** A payment as the use case decides it: its row with its store, less what the database adds. */
export interface NewPayment extends Omit<PaymentRow, 'created_at' | 'settled_at'> {
  store_id: string;
}

// A settled payment (anything but PENDING) is settled now().
const INSERT_PAYMENT = `INSERT INTO payments (id, store_id, transaction_id, terminal_id, cashier_id, method, status, amount_minor, currency,
     tendered_minor, change_minor, provider_ref, qr_payload, expires_at, failure_reason, settled_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
     CASE WHEN $7::text = 'PENDING' THEN NULL ELSE now() END)`;

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

/** Inserts the payment now and returns it as stored. */
export async function insertPayment(client: pg.ClientBase, p: NewPayment): Promise<PaymentRow> {
  const { rows } = await client.query<PaymentRow>({
    name: 'se_insert_payment',
    text: `${INSERT_PAYMENT} RETURNING ${PAYMENT_COLUMNS}`,
    values: paymentValues(p),
  });
  return rows[0]!;
}

/** The payment's INSERT as a last write (see SqlWrite); card payments, which keep the locked path. */
export function insertPaymentWrite(p: NewPayment): SqlWrite {
  return { name: 'payment', text: INSERT_PAYMENT, values: paymentValues(p) };
}

/**
 * A settled payment's INSERT after the guard, in the checkout's guarded write: created and settled
 * at `at`, the request's clock reading that its answer shows.
 */
export function insertSettledPaymentWrite(p: NewPayment, at: Date): GuardedWrite {
  return {
    name: 'payment',
    rows: 1,
    text: `INSERT INTO payments (id, store_id, transaction_id, terminal_id, cashier_id, method, status, amount_minor,
        currency, tendered_minor, change_minor, provider_ref, qr_payload, expires_at, failure_reason, created_at, settled_at)
      SELECT $1::uuid, $2::text, $3::uuid, $4::text, $5::text, $6::text, $7::text, $8::bigint, $9::text, $10::bigint,
        $11::bigint, $12::text, $13::text, $14::timestamptz, $15::text, $16::timestamptz, $16::timestamptz FROM guard
      RETURNING 1`,
    values: [...paymentValues(p), at],
  };
}

export async function findQrPayment(
  client: pg.ClientBase,
  storeId: string,
  providerRef: string,
): Promise<PaymentRow | undefined> {
  const { rows } = await client.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE provider_ref = $1 AND method = 'QR' AND store_id = $2`,
    [providerRef, storeId],
  );
  return rows[0];
}

export async function findPayment(
  db: pg.ClientBase | pg.Pool,
  storeId: string,
  id: string,
): Promise<PaymentRow | undefined> {
  const { rows } = await db.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1 AND store_id = $2`,
    [id, storeId],
  );
  return rows[0];
}

/** The payment row-locked until commit (lock the sale first: lockTransaction). */
export async function lockPayment(client: pg.ClientBase, id: string): Promise<PaymentRow> {
  const { rows } = await client.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0]!;
}

/** Settles a pending payment now; a failure keeps its reason. Returns the row as stored. */
export async function settlePayment(
  client: pg.ClientBase,
  id: string,
  outcome: 'CAPTURED' | 'FAILED',
  reason: string | null,
): Promise<PaymentRow> {
  const { rows } = await client.query<PaymentRow>(
    `UPDATE payments SET status = $2, failure_reason = $3, settled_at = now() WHERE id = $1 RETURNING ${PAYMENT_COLUMNS}`,
    [id, outcome, outcome === 'FAILED' ? reason : null],
  );
  return rows[0]!;
}
