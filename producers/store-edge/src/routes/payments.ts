import express, { Router, type Request } from 'express';
import { withTransaction } from '@retail-stream/runtime';
import type pg from 'pg';
import { PAYMENT_COLUMNS, type PaymentRow } from '../db/transaction-repo.ts';
import { SIGNATURE_HEADER } from '../fake-qr-provider.ts';
import { notFound } from '../http/api-error.ts';
import { idempotent, RETRY_CONFLICTS } from '../http/idempotent-route.ts';
import { sendJson } from '../http/json.ts';
import { idParams } from '../http/schemas.ts';
import { parseInput } from '../http/validate.ts';
import type { StoreServices } from '../store-context.ts';
import { paymentView } from '../transaction-view.ts';
import { cancelPayment, settleQrPayment } from '../use-cases/payments.ts';

/**
 * The provider's callback: authenticated by its signature, not by a terminal token, and read as
 * raw bytes because the signature covers the exact bytes sent.
 */
export function qrCallbackRoutes(pool: pg.Pool, svc: StoreServices, bodyLimit: number): Router {
  const r = Router();
  r.post(
    '/payments/qr/callback',
    express.raw({ type: () => true, limit: bodyLimit }),
    async (req: Request, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const callback = svc.qr.parseCallback(raw, req.get(SIGNATURE_HEADER));
      const result = await withTransaction(
        pool,
        (client) => settleQrPayment(client, svc, callback),
        RETRY_CONFLICTS,
      );
      sendJson(res, result.status, result.body);
    },
  );
  return r;
}

export function paymentRoutes(pool: pg.Pool, svc: StoreServices): Router {
  const r = Router();
  const storeId = svc.store.store_id;

  r.get('/payments/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const { rows } = await pool.query<PaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1 AND store_id = $2`,
      [id, storeId],
    );
    if (!rows[0]) throw notFound('PAYMENT_NOT_FOUND', `no payment ${id}`, 'id');
    sendJson(res, 200, paymentView(rows[0]));
  });

  r.post(
    '/payments/:id/cancel',
    idempotent(pool, storeId, {
      parse: (req) => parseInput(idParams, req.params, 'params'),
      run: (client, input, actor) => cancelPayment(client, svc, actor, input.id),
    }),
  );
  return r;
}
