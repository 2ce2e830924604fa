import { Router } from 'express';
import type pg from 'pg';
import type { Counter } from 'prom-client';
import { priceLine, sumTotals } from '../checkout-math.ts';
import { loadLines, loadPayments, getTransaction } from '../db/transaction-repo.ts';
import { idempotent } from '../http/idempotent-route.ts';
import { sendJson } from '../http/json.ts';
import {
  customerId,
  barcode,
  idParams,
  lineParams,
  money,
  quantity,
  shortText,
  staffId,
} from '../http/schemas.ts';
import { paramsAndBody, parseInput } from '../parse-input.ts';
import type { StoreServices } from '../store-context.ts';
import { paymentFacts } from '../transaction-view.ts';
import { finalizeStep } from '../use-cases/finalize-sale.ts';
import { loadTransactionView } from '../use-cases/load-view.ts';
import { cashPaymentStep, createPayment } from '../use-cases/payments.ts';
import { refundSale } from '../use-cases/refund-sale.ts';
import { addItemStep, changeLineStep, openSaleStep, removeLineStep } from '../use-cases/sale-lines.ts';
import { voidSale } from '../use-cases/void-sale.ts';
import { z } from 'zod';
import { positiveMoney, prescriptionCode } from '../http/schemas.ts';

const openBody = z.strictObject({ cashier_id: staffId, customer_id: customerId.optional() });
const addItemBody = z.strictObject({
  barcode,
  quantity: quantity.default(1),
  discount_minor: money.default(0n),
});
const changeLineBody = z
  .strictObject({ quantity: quantity.optional(), discount_minor: money.optional() })
  .refine(
    (b) => b.quantity !== undefined || b.discount_minor !== undefined,
    'give quantity and/or discount_minor',
  );
const paymentBody = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('CASH'),
    amount_minor: positiveMoney.optional(),
    tendered_minor: positiveMoney.optional(),
  }),
  z.strictObject({
    method: z.literal('CARD'),
    amount_minor: positiveMoney.optional(),
    card_token: z.string().min(1).max(128),
  }),
  z.strictObject({ method: z.literal('QR'), amount_minor: positiveMoney.optional() }),
]);
const finalizeBody = z.strictObject({
  customer_id: customerId.optional(),
  prescription_code: prescriptionCode.optional(),
});
const voidBody = z.strictObject({ reason: shortText, cashier_id: staffId.optional() });
const refundBody = z.strictObject({
  cashier_id: staffId,
  reason: shortText,
  lines: z
    .array(z.strictObject({ line_no: z.number().int().min(1), quantity }))
    .min(1)
    .max(500)
    .optional(),
  restock: z.boolean().default(true),
});

export interface TransactionCounters {
  salesFinalized: Counter;
  /** Checkout writes whose guard found the sale, its stock or its lots changed since their read. */
  checkoutConflicts: Counter;
}

export function transactionRoutes(pool: pg.Pool, svc: StoreServices, counters: TransactionCounters): Router {
  const r = Router();
  const storeId = svc.store.store_id;
  const hooks = { onConflict: () => counters.checkoutConflicts.inc() };

  r.post(
    '/transactions',
    idempotent(
      pool,
      storeId,
      {
        parse: (req) => parseInput(openBody, req.body, 'body'),
        guarded: (input, actor) => openSaleStep(svc, actor, input),
      },
      hooks,
    ),
  );

  r.get('/transactions/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    sendJson(res, 200, await loadTransactionView(pool, storeId, id));
  });

  // Recomputed from the lines with the same pure math the writes use, so it can be shown as-is.
  r.get('/transactions/:id/totals', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const tx = await getTransaction(pool, storeId, id);
    const [lines, payments] = await Promise.all([loadLines(pool, id), loadPayments(pool, id)]);
    const priced = lines.map((l) => ({ ...l, ...priceLine(l) }));
    const totals = sumTotals(priced);
    const { captured_minor } = paymentFacts(payments);
    const due = totals.total_minor - captured_minor;
    sendJson(res, 200, {
      transaction_id: id,
      status: tx.status,
      currency: tx.currency,
      prices_include_tax: true,
      lines: priced.map((l) => ({
        line_no: l.line_no,
        sku: l.sku,
        quantity: l.quantity,
        unit_price_minor: l.unit_price_minor,
        gross_minor: l.gross_minor,
        discount_minor: l.discount_minor,
        net_minor: l.net_minor,
        tax_rate_bp: l.tax_rate_bp,
        tax_minor: l.tax_minor,
        line_total_minor: l.line_total_minor,
      })),
      ...totals,
      paid_minor: captured_minor,
      due_minor: due > 0n ? due : 0n,
    });
  });

  r.post(
    '/transactions/:id/items',
    idempotent(
      pool,
      storeId,
      {
        parse: (req) => paramsAndBody(req, idParams, addItemBody),
        guarded: (input) => addItemStep(input.id, input.body),
      },
      hooks,
    ),
  );

  r.patch(
    '/transactions/:id/lines/:line_no',
    idempotent(
      pool,
      storeId,
      {
        parse: (req) => paramsAndBody(req, lineParams, changeLineBody),
        guarded: (input) => changeLineStep(input.id, input.line_no, input.body),
      },
      hooks,
    ),
  );

  r.delete(
    '/transactions/:id/lines/:line_no',
    idempotent(
      pool,
      storeId,
      {
        parse: (req) => parseInput(lineParams, req.params, 'params'),
        guarded: (input) => removeLineStep(input.id, input.line_no),
      },
      hooks,
    ),
  );

  r.post(
    '/transactions/:id/payments',
    idempotent(
      pool,
      storeId,
      {
        parse: (req) => paramsAndBody(req, idParams, paymentBody),
        // Cash involves nothing outside the database; card and QR call out under the sale's lock.
        guarded: (input, actor) =>
          input.body.method === 'CASH' ? cashPaymentStep(svc, actor, input.id, input.body) : undefined,
        locks: (input) => input.id,
        run: (client, input, actor, claim) => {
          if (input.body.method === 'CASH') throw new Error('cash payments take the guarded path');
          return createPayment(client, svc, actor, input.id, input.body, claim);
        },
      },
      hooks,
    ),
  );

  r.post(
    '/transactions/:id/finalize',
    idempotent(
      pool,
      storeId,
      {
        parse: (req) => paramsAndBody(req, idParams, finalizeBody, { optionalBody: true }),
        guarded: (input, actor) =>
          finalizeStep(svc, actor, input.id, input.body, () => counters.salesFinalized.inc()),
      },
      hooks,
    ),
  );

  r.post(
    '/transactions/:id/void',
    idempotent(pool, storeId, {
      parse: (req) => paramsAndBody(req, idParams, voidBody),
      run: (client, input, actor) => voidSale(client, svc, actor, input.id, input.body),
    }),
  );

  r.post(
    '/transactions/:id/refunds',
    idempotent(pool, storeId, {
      parse: (req) => paramsAndBody(req, idParams, refundBody),
      run: (client, input, actor) => refundSale(client, svc, actor, input.id, input.body),
    }),
  );

  return r;
}
