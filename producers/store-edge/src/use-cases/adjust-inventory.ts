import type pg from 'pg';
import { recordAdjustment } from '../db/adjustment-repo.ts';
import { lockOnHand } from '../db/inventory-repo.ts';
import type { AdjustmentReason, StockChange } from '../events.ts';
import type { Actor, StoreServices, UseCaseResult } from '../store-context.ts';
import { uuidv7 } from '../uuid-v7.ts';
import { catalogueSkus } from './catalogue-skus.ts';

export interface AdjustInventoryInput {
  cashier_id: string;
  reason: AdjustmentReason;
  note?: string | undefined;
  /** `counted` sets on_hand (a stock count); `delta` moves it (damage, theft, correction). */
  lines: ({ sku: string; counted: number } | { sku: string; delta: number })[];
}

/**
 * Corrects stock outside sales and receipts (InventoryAdjusted). A count is applied against the
 * row-locked current value, so a sale committing meanwhile is either before the count (and
 * overwritten by it) or after it (and subtracted from the counted value) — never lost.
 */
export async function adjustInventory(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  input: AdjustInventoryInput,
): Promise<UseCaseResult> {
  const storeId = svc.store.store_id;
  const skus = await catalogueSkus(client, input.lines, 'adjustment');
  const before = await lockOnHand(client, storeId, skus);
  const stock: StockChange[] = input.lines
    .map((l) => {
      const current = before.get(l.sku) ?? 0;
      const after = 'counted' in l ? l.counted : current + l.delta;
      return { sku: l.sku, delta: after - current, on_hand_after: after, lots: [] };
    })
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));

  const id = uuidv7();
  const note = input.note ?? null;
  await recordAdjustment(client, {
    id,
    store_id: storeId,
    terminal_id: actor.terminalId,
    cashier_id: input.cashier_id,
    reason: input.reason,
    note,
    stock,
  });
  return {
    status: 201,
    body: { id, reason: input.reason, note, stock },
    events: [
      {
        event_type: 'InventoryAdjusted',
        terminal_id: actor.terminalId,
        cashier_id: input.cashier_id,
        fields: { adjustment_id: id, reason: input.reason, note, stock },
      },
    ],
  };
}
