import type pg from 'pg';
import { insertGoodsReceipt } from '../db/goods-receipt-repo.ts';
import { applyStockDeltas } from '../db/inventory-repo.ts';
import { toSafeNumber } from '../json-text.ts';
import type { Actor, StoreServices, UseCaseResult } from '../store-context.ts';
import { uuidv7 } from '../uuid-v7.ts';
import { catalogueSkus } from './catalogue-skus.ts';

export interface ReceiveGoodsInput {
  cashier_id: string;
  supplier_id: string;
  supplier_ref?: string | undefined;
  lines: { sku: string; quantity: number; unit_cost_minor: bigint }[];
}

/** Books a supplier delivery into stock (GoodsReceived). Only catalogue SKUs can be received. */
export async function receiveGoods(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  input: ReceiveGoodsInput,
): Promise<UseCaseResult> {
  const storeId = svc.store.store_id;
  await catalogueSkus(client, input.lines, 'receipt');
  const totalCost = input.lines.reduce((sum, l) => sum + l.unit_cost_minor * BigInt(l.quantity), 0n);
  const id = uuidv7();
  await insertGoodsReceipt(client, {
    id,
    store_id: storeId,
    terminal_id: actor.terminalId,
    cashier_id: input.cashier_id,
    supplier_id: input.supplier_id,
    supplier_ref: input.supplier_ref ?? null,
    currency: svc.store.currency,
    total_cost_minor: totalCost,
    lines: input.lines,
  });
  const stock = await applyStockDeltas(
    client,
    storeId,
    input.lines.map((l) => ({ sku: l.sku, delta: l.quantity })),
  );
  const lines = input.lines.map((l) => ({
    sku: l.sku,
    quantity: l.quantity,
    unit_cost_minor: toSafeNumber(l.unit_cost_minor),
    lots: [],
  }));
  return {
    status: 201,
    body: {
      id,
      supplier_id: input.supplier_id,
      supplier_ref: input.supplier_ref ?? null,
      currency: svc.store.currency,
      total_cost_minor: totalCost,
      lines,
      stock,
    },
    events: [
      {
        event_type: 'GoodsReceived',
        terminal_id: actor.terminalId,
        cashier_id: input.cashier_id,
        fields: {
          receipt_id: id,
          supplier_id: input.supplier_id,
          currency: svc.store.currency,
          total_cost_minor: toSafeNumber(totalCost),
          lines,
          stock,
        },
      },
    ],
  };
}
