import type pg from 'pg';
import { withinAmountLimit } from '../amount-limit.ts';
import { insertGoodsReceipt } from '../db/goods-receipt-repo.ts';
import { applyStockDeltas } from '../db/inventory-repo.ts';
import { receiveLots } from '../db/lot-repo.ts';
import type { ReceiptLine } from '../events.ts';
import { toSafeNumber } from '../json-text.ts';
import { lotView, receiptLineLots, storeDay, type ReceiptLotInput } from '../lots.ts';
import { Refusal } from '../refusal.ts';
import type { Actor, Claim, StoreServices, UseCaseResult } from '../store-context.ts';
import { uuidv7 } from '../uuid-v7.ts';
import { catalogueSkus } from './catalogue-skus.ts';

export interface ReceiveGoodsInput {
  cashier_id: string;
  supplier_id: string;
  supplier_ref?: string | undefined;
  lines: {
    sku: string;
    quantity: number;
    unit_cost_minor: bigint;
    /** Required for lot-tracked products (medicines), refused for others. */
    lots?: ReceiptLotInput[] | undefined;
  }[];
}

/**
 * Books a supplier delivery into stock (GoodsReceived). Only catalogue SKUs can be received;
 * medicines arrive with their lots (see lots.ts for the rules), which join stock_lots.
 */
export async function receiveGoods(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  input: ReceiveGoodsInput,
  claim: Claim,
): Promise<UseCaseResult> {
  const storeId = svc.store.store_id;
  // Amounts first: a receipt whose line or total cost overflows is refused before any read or write.
  const totalCost = withinAmountLimit(
    input.lines.reduce(
      (sum, l, i) =>
        sum + withinAmountLimit(l.unit_cost_minor * BigInt(l.quantity), 'line cost', `lines.${i}`),
      0n,
    ),
    'receipt total cost',
    'lines',
  );
  const known = await catalogueSkus(client, input.lines, 'receipt');
  const today = storeDay(claim.now, svc.store.timezone);
  const lines: ReceiptLine[] = input.lines.map((l, i) => ({
    sku: l.sku,
    quantity: l.quantity,
    unit_cost_minor: toSafeNumber(l.unit_cost_minor),
    lots: receiptLineLots(l, i, known.get(l.sku)!.drug !== null, today),
  }));
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
    lines: input.lines.map((l, i) => ({ ...l, lots: lines[i]!.lots })),
  });
  const stock = await applyStockDeltas(
    client,
    storeId,
    input.lines.map((l) => ({ sku: l.sku, delta: l.quantity })),
  );
  const conflicts = await receiveLots(
    client,
    storeId,
    lines.flatMap((l) => l.lots.map((lot) => ({ ...lot, sku: l.sku }))),
  );
  if (conflicts.length > 0) {
    const c = conflicts[0]!;
    const i = lines.findIndex((l) => l.sku === c.sku);
    throw new Refusal(
      'LOT_CONFLICT',
      `lot ${c.lot_no} of ${c.sku} is already held with other manufacture/expiry dates`,
      `lines.${i}.lots.${lines[i]!.lots.findIndex((l) => l.lot_no === c.lot_no)}.lot_no`,
    );
  }
  return {
    status: 201,
    body: {
      id,
      supplier_id: input.supplier_id,
      supplier_ref: input.supplier_ref ?? null,
      currency: svc.store.currency,
      total_cost_minor: totalCost,
      lines: lines.map((l) => ({ ...l, lots: l.lots.map(lotView) })),
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
