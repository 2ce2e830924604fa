import express, { Router, type Request } from 'express';
import type pg from 'pg';
import { commitWithEvents } from '../db/outbox.ts';
import { findPayment } from '../db/payment-repo.ts';
import { SIGNATURE_HEADER } from '../fake-qr-provider.ts';
import { idempotent } from '../http/idempotent-route.ts';
import { sendJson } from '../http/json.ts';
import { idParams } from '../http/schemas.ts';
import { parseInput } from '../parse-input.ts';
import { Refusal } from '../refusal.ts';
import type { StoreServices } from '../store-context.ts';
import { paymentView } from '../transaction-view.ts';
import { cancelPayment, settleQrPayment } from '../use-cases/payments.ts';

/**
 * The provider's callback: authenticated by its signature, not by a terminal token, and read as
 * raw bytes because the signature covers the exact bytes sent. Not idempotent by key: repeating a
 * callback is answered by the payment's state (settleQrPayment).
 */
export function qrCallbackRoutes(pool: pg.Pool, svc: StoreServices, bodyLimit: number): Router {
  const r = Router();
  r.post(
    '/payments/qr/callback',
    express.raw({ type: () => true, limit: bodyLimit }),
    async (req: Request, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const callback = svc.qr.parseCallback(raw, req.get(SIGNATURE_HEADER));
      const outcome = await commitWithEvents(pool, { storeId: svc.store.store_id }, (client) =>
        settleQrPayment(client, svc, callback),
      );
      res.status(outcome.status).type('application/json').send(outcome.body);
    },
  );
  return r;
}

export function paymentRoutes(pool: pg.Pool, svc: StoreServices): Router {
  const r = Router();
  const storeId = svc.store.store_id;

  r.get('/payments/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const payment = await findPayment(pool, storeId, id);
    if (!payment) throw new Refusal('PAYMENT_NOT_FOUND', `no payment ${id}`, 'id');
    sendJson(res, 200, paymentView(payment));
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
