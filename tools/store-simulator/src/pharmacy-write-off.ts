import { errorCode } from '@retail-stream/runtime';
import type { LedgerRecord } from './ledger.ts';
import type { DrugRef } from './pharmacy-ledger.ts';
import { isoDay, ledgerLots } from './pharmacy-lots.ts';
import { planWriteOff, type LotOnHand, type PharmacyBehaviour } from './pharmacy-plan.ts';
import type { SimStats } from './sim-stats.ts';
import { expectStatus, type Json, type StoreClient } from './store-client.ts';

export interface WriteOffContext {
  storeId: string;
  currency: string;
  /** The store's time zone: a lot is expired from its expiry date on, in the store's calendar. */
  timezone: string;
  terminalId: string;
  staffId: string;
  client: StoreClient;
  random: () => number;
  behaviour: PharmacyBehaviour;
  drugs: ReadonlyMap<string, DrugRef>;
  record: (r: LedgerRecord) => void;
  stats: SimStats;
  /**
   * The lots on the shelf (the store edge's API lists none; the host reads them from the store's
   * database, GET /control/stores/:id/lots): what the pharmacist sees when checking expiry dates.
   */
  shelf: () => Promise<LotOnHand[]>;
}

/**
 * A pharmacy's write-offs: the pharmacist looks at the lots on the shelf, takes an expired
 * lot off the shelf (EXPIRY) or destroys a damaged pack or two (DESTRUCTION), naming the lot. The
 * national sync reports each as an export slip (phieu_xuat type 3).
 */
export class PharmacyWriteOffs {
  constructor(readonly ctx: WriteOffContext) {}

  async writeOff(): Promise<void> {
    const { ctx } = this;
    try {
      const lots = await this.lotsOnHand();
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.timezone }).format(new Date());
      const plan = planWriteOff(ctx.random, lots, today, ctx.behaviour);
      if (!plan) return;
      const res = expectStatus(
        'write-off',
        await ctx.client.post('/v1/inventory/adjustments', {
          cashier_id: ctx.staffId,
          reason: plan.reason,
          note: plan.reason === 'EXPIRY' ? `lot ${plan.lot.lot_no} expired` : 'damaged packs destroyed',
          lines: [{ sku: plan.lot.sku, lots: [{ lot_no: plan.lot.lot_no, quantity: plan.quantity }] }],
        }),
        201,
      );
      const stock = (res.stock as Json[]).find((s) => s.sku === plan.lot.sku);
      ctx.record({
        kind: 'write_off',
        store_id: ctx.storeId,
        terminal_id: ctx.terminalId,
        adjustment_id: res.id,
        reason: res.reason,
        currency: ctx.currency,
        lines: [
          {
            sku: plan.lot.sku,
            qty: plan.quantity,
            on_hand_after: Number(stock?.on_hand_after ?? 0),
            lots: stock?.lots
              ? ledgerLots(stock.lots)
              : [
                  {
                    lot_no: plan.lot.lot_no,
                    manufactured_on: plan.lot.manufactured_on,
                    expires_on: plan.lot.expires_on,
                    qty: plan.quantity,
                  },
                ],
          },
        ],
      });
      ctx.stats.count('write_offs');
    } catch (err) {
      ctx.stats.error(errorCode(err));
    }
  }

  /** The medicines' lots with units on hand, expired ones included (the host reads the shelf). */
  private async lotsOnHand(): Promise<LotOnHand[]> {
    const lots = await this.ctx.shelf();
    return lots
      .filter((l) => this.ctx.drugs.has(l.sku))
      .map((l) => ({ ...l, manufactured_on: isoDay(l.manufactured_on), expires_on: isoDay(l.expires_on) }));
  }
}
