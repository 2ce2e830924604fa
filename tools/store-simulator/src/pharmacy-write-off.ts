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
  terminalId: string;
  staffId: string;
  client: StoreClient;
  random: () => number;
  behaviour: PharmacyBehaviour;
  drugs: ReadonlyMap<string, DrugRef>;
  record: (r: LedgerRecord) => void;
  stats: SimStats;
}

/**
 * A pharmacy's write-offs: the pharmacist reads the lots the store holds (its API), takes an expired
 * lot off the shelf (EXPIRY) or destroys a damaged pack or two (DESTRUCTION), naming the lot. The
 * national sync reports each as an export slip (phieu_xuat type 3).
 */
export class PharmacyWriteOffs {
  /**
   * Lots this run delivered, with what is left of them after its own write-offs (an upper bound:
   * sales take from them too, earliest expiry first). Used when the store cannot list its lots.
   */
  private readonly delivered = new Map<string, LotOnHand>();

  constructor(readonly ctx: WriteOffContext) {}

  /** Keeps track of the lots the store acknowledged receiving and writing off (ledger records). */
  observe(r: LedgerRecord): void {
    if (r.kind === 'goods_receipt') {
      for (const line of r.lines) {
        for (const lot of line.lots ?? []) {
          const key = `${line.sku}\u0000${lot.lot_no}`;
          const known = this.delivered.get(key);
          this.delivered.set(key, {
            sku: line.sku,
            lot_no: lot.lot_no,
            manufactured_on: lot.manufactured_on,
            expires_on: lot.expires_on,
            on_hand: (known?.on_hand ?? 0) + lot.qty,
          });
        }
      }
    } else if (r.kind === 'write_off') {
      for (const line of r.lines) {
        for (const lot of line.lots) {
          const known = this.delivered.get(`${line.sku}\u0000${lot.lot_no}`);
          if (known) known.on_hand = Math.max(0, known.on_hand - lot.qty);
        }
      }
    }
  }

  async writeOff(): Promise<void> {
    const { ctx } = this;
    try {
      const lots = await this.lotsOnHand();
      const today = new Date().toISOString().slice(0, 10);
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

  /**
   * The medicines' lots with units on hand: the store's lot report when it has one (expired lots
   * included, so EXPIRY write-offs happen), else the lots this run delivered (DESTRUCTION only, as
   * delivered lots are fresh).
   */
  private async lotsOnHand(): Promise<LotOnHand[]> {
    const answer = await this.ctx.client.get('/v1/reports/lots?limit=1000');
    if (answer.status === 404 && answer.body?.error?.code === 'ROUTE_NOT_FOUND')
      return [...this.delivered.values()];
    const res = expectStatus('lots report', answer, 200);
    return ((res.lots ?? res.items) as Json[])
      .filter((l) => this.ctx.drugs.has(l.sku))
      .map((l) => ({
        sku: l.sku,
        lot_no: l.lot_no,
        manufactured_on: isoDay(l.manufactured_on),
        expires_on: isoDay(l.expires_on),
        on_hand: Number(l.on_hand),
      }));
  }
}
