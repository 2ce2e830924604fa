import type pg from 'pg';
import { recordAdjustment } from '../db/adjustment-repo.ts';
import { lockOnHand } from '../db/inventory-repo.ts';
import { lockLots, lotKey, takeLots } from '../db/lot-repo.ts';
import type { AdjustmentReason, StockChange } from '../events.ts';
import { checkLotSet, isExpired, isoDate, lotView, storeDay } from '../lots.ts';
import { Refusal } from '../refusal.ts';
import type { Actor, Claim, StoreServices, UseCaseResult } from '../store-context.ts';
import { uuidv7 } from '../uuid-v7.ts';
import { catalogueSkus } from './catalogue-skus.ts';

type WriteOffLot = { lot_no: string; quantity: number };

export interface AdjustInventoryInput {
  cashier_id: string;
  reason: AdjustmentReason;
  note?: string | undefined;
  /**
   * `counted` sets on_hand (a stock count); `delta` moves it (damage, theft, correction, write-off).
   * `lots` name the lots an EXPIRY or DESTRUCTION write-off of a medicine takes (the delta, if
   * given, must be minus their sum).
   */
  lines: (
    | { sku: string; counted: number }
    | { sku: string; delta: number; lots?: WriteOffLot[] | undefined }
    | { sku: string; lots: WriteOffLot[] }
  )[];
}

/** Write-offs the national pharmacy database hears about: for medicines they name their lots. */
const WRITE_OFF_REASONS: ReadonlySet<AdjustmentReason> = new Set(['EXPIRY', 'DESTRUCTION']);

/**
 * Corrects stock outside sales and receipts (InventoryAdjusted). A count is applied against the
 * row-locked current value, so a sale committing meanwhile is either before the count (and
 * overwritten by it) or after it (and subtracted from the counted value) — never lost.
 *
 * An EXPIRY or DESTRUCTION write-off of a medicine must name its lots, which lose those units;
 * EXPIRY only takes lots that have expired (store-local date), DESTRUCTION any lot. Other reasons
 * and other products name no lots (a COUNT of a medicine moves on_hand only, not its lots).
 */
export async function adjustInventory(
  client: pg.ClientBase,
  svc: StoreServices,
  actor: Actor,
  input: AdjustInventoryInput,
  claim: Claim,
): Promise<UseCaseResult> {
  const storeId = svc.store.store_id;
  const known = await catalogueSkus(client, input.lines, 'adjustment');
  const lotLines = input.lines.map((l, i) => {
    const lots = 'lots' in l ? (l.lots ?? []) : [];
    const tracked = known.get(l.sku)!.drug !== null && WRITE_OFF_REASONS.has(input.reason);
    if (!tracked && lots.length > 0)
      throw new Refusal(
        'LOTS_NOT_TRACKED',
        `lots are named only on EXPIRY or DESTRUCTION write-offs of medicines`,
        `lines.${i}.lots`,
      );
    if (tracked && lots.length === 0)
      throw new Refusal(
        'LOTS_REQUIRED',
        `${l.sku} is a medicine: name the lots written off`,
        `lines.${i}.lots`,
      );
    if (tracked) {
      const total = lots.reduce((n, x) => n + x.quantity, 0);
      checkLotSet(lots, 'delta' in l ? -l.delta : total, i, 'delta (negated)');
    }
    return lots;
  });

  const before = await lockOnHand(client, storeId, [...known.keys()]);
  const wanted = input.lines.flatMap((l, i) => lotLines[i]!.map((x) => ({ sku: l.sku, lot_no: x.lot_no })));
  const held = await lockLots(client, storeId, wanted);
  const today = storeDay(claim.now, svc.store.timezone);
  const stock: StockChange[] = input.lines
    .map((l, i) => {
      const lots = lotLines[i]!.map((x, j) => {
        const lot = held.get(lotKey(l.sku, x.lot_no));
        const field = `lines.${i}.lots.${j}`;
        if (!lot) throw new Refusal('UNKNOWN_LOT', `no lot ${x.lot_no} of ${l.sku} here`, `${field}.lot_no`);
        if (x.quantity > lot.on_hand)
          throw new Refusal(
            'INSUFFICIENT_LOT_STOCK',
            `lot ${x.lot_no} of ${l.sku} holds ${lot.on_hand}, not ${x.quantity}`,
            `${field}.quantity`,
          );
        if (input.reason === 'EXPIRY' && !isExpired(lot, today))
          throw new Refusal(
            'LOT_NOT_EXPIRED',
            `lot ${x.lot_no} of ${l.sku} expires on ${isoDate(lot.expires_on)}`,
            `${field}.lot_no`,
          );
        return {
          lot_no: x.lot_no,
          manufactured_on: lot.manufactured_on,
          expires_on: lot.expires_on,
          quantity: x.quantity,
        };
      });
      const current = before.get(l.sku) ?? 0;
      const after =
        'counted' in l
          ? l.counted
          : current + ('delta' in l ? l.delta : -lots.reduce((n, x) => n + x.quantity, 0));
      return { sku: l.sku, delta: after - current, on_hand_after: after, lots };
    })
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  await takeLots(
    client,
    storeId,
    stock.flatMap((s) => s.lots.map((lot) => ({ ...lot, sku: s.sku }))),
  );

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
    body: { id, reason: input.reason, note, stock: stock.map((s) => ({ ...s, lots: s.lots.map(lotView) })) },
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
