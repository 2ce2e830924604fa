import { errorCode } from '@retail-stream/runtime';
import { generateBasket, type CatalogueItem, type ZipfSampler } from './basket.ts';
import type { LedgerPayment, LedgerRecord, LedgerSaleLine } from './ledger.ts';
import type { CustomerPlan } from './customer-plan.ts';
import { ledgerLots } from './pharmacy-lots.ts';
import {
  pharmacyBasket,
  prescriptionCode,
  type PharmacyBehaviour,
  type RankedItems,
} from './pharmacy-plan.ts';
import { cashTendered, planPayments, type PaymentAttempt, type PaymentMix } from './payment-plan.ts';
import type { SimStats } from './sim-stats.ts';
import { expectStatus, type Json, type StoreClient } from './store-client.ts';

/** A paid sale a till may later refund: what is still refundable per line. */
interface RecentSale {
  transactionId: string;
  remaining: Map<number, { sku: string; qty: number }>;
}

export interface TillBehaviour {
  mix: PaymentMix;
  /** Share of baskets abandoned (voided) before payment. */
  voidDraftRate: number;
  /** Share of paid sales voided right after (wrong basket, customer changes mind). */
  voidPaidRate: number;
  /** Share of checkouts that are instead a refund of an earlier sale of this till. */
  refundRate: number;
  maxLines: number;
}

export const DEFAULT_BEHAVIOUR: TillBehaviour = {
  mix: {
    cash: 0.45,
    card: 0.35,
    qr: 0.2,
    cardDeclineRate: 0.08,
    qrFailRate: 0.03,
  },
  voidDraftRate: 0.01,
  voidPaidRate: 0.01,
  refundRate: 0.01,
  maxLines: 15,
};

/** A pharmacy's till: drug baskets (mixed with other products) and prescriptions. */
export interface PharmacyTill {
  drugs: RankedItems;
  others: RankedItems;
  behaviour: PharmacyBehaviour;
}

export interface TillContext {
  storeId: string;
  terminalId: string;
  cashierId: string;
  client: StoreClient;
  random: () => number;
  ranked: readonly CatalogueItem[];
  sampler: ZipfSampler;
  behaviour: TillBehaviour;
  qrSecret: string;
  record: (r: LedgerRecord) => void;
  stats: SimStats;
  /** Pharmacy stores only; other stores draw as before (from a ranking without medicines). */
  pharmacy?: PharmacyTill;
}

const RECENT_KEEP = 20;
/**
 * A scripted checkout a pharmacy refuses for medicine stock (a drawn basket, so it depends on the
 * run's store ids) is served again with a new basket, up to this many times per scripted customer:
 * the script's cases (and the refunds that need its paid sales) must happen, not depend on what
 * stock a draw hit. A drug out of stock from the start sits in most baskets (the draws favour the
 * best sellers), so one retry is not enough; 20 leave a chance below 0.1 % even when 70 % of
 * baskets are refused.
 */
const SCRIPTED_STOCK_RETRIES = 20;

/**
 * One till: a real cashier does one customer at a time, so the simulator runs one `next()` at a
 * time per till. Every step goes through the store edge's public API.
 */
export class Till {
  private readonly recent: RecentSale[] = [];
  private readonly script: CustomerPlan[];
  private scriptedStockRetries = 0;

  /** `script`: customers served first, in order, before any drawn at random. */
  constructor(
    readonly ctx: TillContext,
    script: readonly CustomerPlan[] = [],
  ) {
    this.script = [...script];
  }

  /** Scripted customers not served yet (the simulator serves them without waiting for arrivals). */
  get scriptLeft(): number {
    return this.script.length;
  }

  /** One customer: usually a checkout, sometimes a refund at the counter. Errors are counted, not thrown. */
  async next(): Promise<void> {
    const { ctx } = this;
    ctx.stats.started();
    try {
      const scripted = this.script.shift();
      if (scripted?.kind === 'refund') await this.refund(scripted.whole);
      else if (scripted) {
        const served = await this.checkout(scripted);
        if (!served && this.scriptedStockRetries++ < SCRIPTED_STOCK_RETRIES) this.script.unshift(scripted);
        else this.scriptedStockRetries = 0;
      } else if (this.recent.length > 0 && ctx.random() < ctx.behaviour.refundRate) await this.refund();
      else await this.checkout();
    } catch (err) {
      ctx.stats.error(errorCode(err));
    } finally {
      ctx.stats.finished();
    }
  }

  /** false: the pharmacy refused the sale for medicine stock (voided, the customer left unserved). */
  private async checkout(scripted?: Extract<CustomerPlan, { kind: 'checkout' }>): Promise<boolean> {
    const { ctx } = this;
    const { client, random } = ctx;
    const started = performance.now();
    // Everything random is drawn up front, so a seed gives the same baskets whatever the timing.
    const { pharmacy } = ctx;
    const basket = pharmacy
      ? pharmacyBasket(random, pharmacy.drugs, pharmacy.others, pharmacy.behaviour)
      : generateBasket(random, ctx.ranked, ctx.sampler, ctx.behaviour.maxLines);
    const plan = scripted?.payments ?? planPayments(random, ctx.behaviour.mix);
    const voidDraft = scripted ? scripted.void === 'before_payment' : random() < ctx.behaviour.voidDraftRate;
    const voidPaid = scripted
      ? scripted.void === 'after_payment'
      : !voidDraft && random() < ctx.behaviour.voidPaidRate;
    const tenderDraw = random();
    const prescribed = pharmacy !== undefined && random() < pharmacy.behaviour.prescriptionRate;
    const prescription = pharmacy && (scripted?.prescription ?? prescribed) ? prescriptionCode(random) : null;

    const opened = expectStatus(
      'open transaction',
      await client.post('/v1/transactions', { cashier_id: ctx.cashierId }),
      201,
    );
    const txId = opened.id as string;
    let view: Json = opened;
    for (const line of basket) {
      view = expectStatus(
        'add item',
        await client.post(`/v1/transactions/${txId}/items`, {
          barcode: line.barcode,
          quantity: line.quantity,
        }),
        201,
      );
    }
    if (voidDraft) {
      await this.void(txId, false, Number(view.totals.total_minor), view.currency, 'customer left');
      return true;
    }
    // Failed attempts capture nothing, so what is due stays the basket's total until the last one.
    const due = Number(view.due_minor);
    for (const attempt of plan) await this.pay(txId, attempt, due, tenderDraw);
    const finalized = await client.post(
      `/v1/transactions/${txId}/finalize`,
      prescription ? { prescription_code: prescription } : undefined,
    );
    if (finalized.status === 409 && finalized.body?.error?.code === 'INSUFFICIENT_LOT_STOCK') {
      // Not enough unexpired stock of a medicine: the pharmacist cannot dispense, the customer
      // leaves with the money back (the store keeps the captured payments, to hand back).
      // An expected outcome of a shop running low, not a failure: counted apart from errors.
      ctx.stats.count('out_of_stock');
      await this.void(txId, false, due, view.currency, 'medicine out of stock');
      return false;
    }
    const paid = expectStatus('finalize', finalized, 200);
    const lines: LedgerSaleLine[] = (paid.lines as Json[]).map((l) => ({
      line_no: l.line_no,
      sku: l.sku,
      qty: l.quantity,
      unit_price_minor: Number(l.unit_price_minor),
      discount_minor: Number(l.discount_minor),
      tax_minor: Number(l.tax_minor),
      line_total_minor: Number(l.line_total_minor),
      // The store's answer names a line's lots when it shows them (the sale's event always does).
      ...(pharmacy && Array.isArray(l.lots) && l.lots.length > 0 ? { lots: ledgerLots(l.lots) } : {}),
    }));
    const payments: LedgerPayment[] = (paid.payments as Json[]).map((p) => ({
      payment_id: p.id,
      method: p.method,
      status: p.status,
      amount_minor: Number(p.amount_minor),
    }));
    ctx.record({
      kind: 'sale',
      store_id: ctx.storeId,
      terminal_id: ctx.terminalId,
      cashier_id: ctx.cashierId,
      transaction_id: txId,
      status: paid.status,
      currency: paid.currency,
      subtotal_minor: Number(paid.totals.subtotal_minor),
      discount_minor: Number(paid.totals.discount_minor),
      tax_minor: Number(paid.totals.tax_minor),
      total_minor: Number(paid.totals.total_minor),
      item_count: Number(paid.totals.item_count),
      lines,
      payments,
      finalized_at: paid.finalized_at,
      // What the till sent with the finalize the store accepted.
      ...(pharmacy ? { prescription_code: prescription } : {}),
    });
    ctx.stats.sale(
      paid.currency,
      Number(paid.totals.total_minor),
      Number(paid.totals.item_count),
      (performance.now() - started) / 1000,
    );
    if (voidPaid) {
      await this.void(txId, true, Number(paid.totals.total_minor), paid.currency, 'wrong basket');
      return true;
    }
    this.recent.push({
      transactionId: txId,
      remaining: new Map(lines.map((l) => [l.line_no, { sku: l.sku, qty: l.qty }])),
    });
    if (this.recent.length > RECENT_KEEP) this.recent.shift();
    return true;
  }

  private async pay(txId: string, attempt: PaymentAttempt, due: number, tenderDraw: number): Promise<void> {
    const { client, stats } = this.ctx;
    const path = `/v1/transactions/${txId}/payments`;
    if (attempt.method === 'CASH') {
      expectStatus(
        'cash payment',
        await client.post(path, { method: 'CASH', tendered_minor: cashTendered(due, () => tenderDraw) }),
        201,
      );
      return;
    }
    if (attempt.method === 'CARD') {
      const res = await client.post(path, { method: 'CARD', card_token: attempt.cardToken });
      if (attempt.outcome === 'declined') {
        expectStatus('declined card', res, 402);
        stats.count('payment_declines');
      } else expectStatus('card payment', res, 201);
      return;
    }
    const qr = expectStatus('QR payment', await client.post(path, { method: 'QR' }), 201);
    const failed = attempt.outcome === 'failed';
    expectStatus(
      'QR callback',
      await client.qrCallback(this.ctx.qrSecret, {
        provider_ref: qr.provider_ref,
        status: failed ? 'FAILED' : 'SUCCEEDED',
        amount_minor: Number(qr.amount_minor),
        ...(failed ? { reason: 'CUSTOMER_CANCELLED_IN_APP' } : {}),
      }),
      200,
    );
    if (failed) stats.count('payment_declines');
  }

  private async void(txId: string, wasPaid: boolean, total: number, currency: string, reason: string) {
    const { ctx } = this;
    const res = expectStatus(
      'void',
      await ctx.client.post(`/v1/transactions/${txId}/void`, { reason, cashier_id: ctx.cashierId }),
      200,
    );
    ctx.record({
      kind: 'void',
      store_id: ctx.storeId,
      terminal_id: ctx.terminalId,
      transaction_id: txId,
      was_paid: wasPaid,
      total_minor: total,
      currency: res.currency ?? currency,
      reason,
    });
    ctx.stats.count('voids');
  }

  /** Whole (everything still refundable) or part of one line, of a recent sale of this till. */
  private async refund(scriptedWhole?: boolean): Promise<void> {
    const { ctx } = this;
    const { random } = ctx;
    if (this.recent.length === 0)
      throw new Error('a scripted refund needs a paid sale of this till before it');
    const index = Math.floor(random() * this.recent.length);
    const sale = this.recent[index]!;
    const open = [...sale.remaining.entries()].filter(([, l]) => l.qty > 0);
    const whole = scriptedWhole ?? random() < 0.5;
    const [lineNo, line] = open[Math.floor(random() * open.length)]!;
    const qty = whole ? line.qty : 1 + Math.floor(random() * line.qty);
    const body = whole
      ? { cashier_id: ctx.cashierId, reason: 'customer return', restock: true }
      : {
          cashier_id: ctx.cashierId,
          reason: 'damaged item',
          restock: false,
          lines: [{ line_no: lineNo, quantity: qty }],
        };
    const res = expectStatus(
      'refund',
      await ctx.client.post(`/v1/transactions/${sale.transactionId}/refunds`, body),
      201,
    );
    if (whole) this.recent.splice(index, 1);
    else {
      line.qty -= qty;
      if ([...sale.remaining.values()].every((l) => l.qty === 0)) this.recent.splice(index, 1);
    }
    ctx.record({
      kind: 'refund',
      store_id: ctx.storeId,
      terminal_id: ctx.terminalId,
      transaction_id: sale.transactionId,
      refund_id: res.id,
      whole,
      amount_minor: Number(res.amount_minor),
      currency: res.currency,
      transaction_status: res.transaction_status,
      restock: res.restock,
      lines: (res.lines as Json[]).map((l) => ({
        line_no: l.line_no,
        sku: l.sku,
        qty: l.quantity,
        amount_minor: Number(l.amount_minor),
        ...(ctx.pharmacy && Array.isArray(l.lots) && l.lots.length > 0 ? { lots: ledgerLots(l.lots) } : {}),
      })),
    });
    ctx.stats.count('refunds');
  }
}
