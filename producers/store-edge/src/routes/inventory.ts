import { Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { findByBarcode } from '../db/catalog-repo.ts';
import { Refusal } from '../refusal.ts';
import { idempotent } from '../http/idempotent-route.ts';
import { sendJson } from '../http/json.ts';
import { barcode, isoDate, lotNo, money, shortText, sku, staffId } from '../http/schemas.ts';
import { parseInput } from '../parse-input.ts';
import type { StoreServices } from '../store-context.ts';
import { adjustInventory } from '../use-cases/adjust-inventory.ts';
import { receiveGoods } from '../use-cases/receive-goods.ts';

const MAX_UNITS = 1_000_000;

const MAX_LOTS = 50;
const receiptLot = z.strictObject({
  lot_no: lotNo,
  manufactured_on: isoDate,
  expires_on: isoDate,
  quantity: z.number().int().min(1).max(MAX_UNITS),
});
const writeOffLot = z.strictObject({ lot_no: lotNo, quantity: z.number().int().min(1).max(MAX_UNITS) });

const receiptBody = z.strictObject({
  cashier_id: staffId,
  supplier_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . or -'),
  supplier_ref: shortText.optional(),
  lines: z
    .array(
      z.strictObject({
        sku,
        quantity: z.number().int().min(1).max(MAX_UNITS),
        unit_cost_minor: money,
        lots: z.array(receiptLot).min(1).max(MAX_LOTS).optional(),
      }),
    )
    .min(1)
    .max(2_000),
});

const adjustmentBody = z.strictObject({
  cashier_id: staffId,
  reason: z.enum(['COUNT', 'DAMAGE', 'THEFT', 'CORRECTION', 'EXPIRY', 'DESTRUCTION']),
  note: shortText.optional(),
  lines: z
    .array(
      z.union([
        z.strictObject({ sku, counted: z.number().int().min(0).max(MAX_UNITS) }),
        z.strictObject({
          sku,
          delta: z
            .number()
            .int()
            .min(-MAX_UNITS)
            .max(MAX_UNITS)
            .refine((d) => d !== 0, 'must not be 0'),
          lots: z.array(writeOffLot).min(1).max(MAX_LOTS).optional(),
        }),
        // A write-off by lot: the delta is minus the lots' sum.
        z.strictObject({ sku, lots: z.array(writeOffLot).min(1).max(MAX_LOTS) }),
      ]),
    )
    .min(1)
    .max(5_000),
});

export function inventoryRoutes(pool: pg.Pool, svc: StoreServices): Router {
  const r = Router();
  const storeId = svc.store.store_id;

  r.get('/catalog/barcodes/:barcode', async (req, res) => {
    const params = parseInput(z.object({ barcode }), req.params, 'params');
    const item = await findByBarcode(pool, params.barcode);
    if (!item) throw new Refusal('UNKNOWN_BARCODE', `no product with barcode ${params.barcode}`, 'barcode');
    sendJson(res, 200, { ...item, prices_include_tax: true });
  });

  r.post(
    '/goods-receipts',
    idempotent(pool, storeId, {
      parse: (req) => parseInput(receiptBody, req.body, 'body'),
      run: (client, input, actor, claim) => receiveGoods(client, svc, actor, input, claim),
    }),
  );

  r.post(
    '/inventory/adjustments',
    idempotent(pool, storeId, {
      parse: (req) => parseInput(adjustmentBody, req.body, 'body'),
      run: (client, input, actor, claim) => adjustInventory(client, svc, actor, input, claim),
    }),
  );
  return r;
}
