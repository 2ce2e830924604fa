import crypto from 'node:crypto';
import type { SeedProduct } from '@retail-stream/fixtures';
import { seededRandom } from '@retail-stream/runtime';
import type { EventDraft, SaleLine, StockChange } from '@retail-stream/store-edge';
import { uuidv7 } from '@retail-stream/schemas/testing';

/**
 * One store's stream of realistic business actions, as the store edge's use cases would emit them
 * (finalize-sale, payments, void-sale, refund-sale, receive-goods, adjust-inventory), as drafts for
 * the outbox writer. Deterministic for a seed, apart from UUIDs and timestamps.
 *
 * Per sale, as the demo measured (docs/scaling.md, 2.2 events per sale): a failed card payment 10 %
 * of the time, the captured payment, the SaleRecorded (written last: the store edge finalizes only
 * a paid sale), then 5 % voided and 5 % partly refunded. `eventsPerSale` above that is filled with
 * back-office stock events (4 shelf counts to 1 goods receipt), the kind a chain whose tills and
 * handhelds emit more per sale produces: issue 14 plans with 7.
 */

/** Events per sale of the sale itself with its payments, voids and refunds (on average). */
export const CORE_EVENTS_PER_SALE = 1 + 0.1 + 1 + 0.05 + 0.05;

export interface SaleActions {
  /** The sale's transaction id (SaleRecorded.transaction_id); what the sinks are polled by. */
  transactionId: string;
  /** Outbox appends in the order the store would commit them (each is one store-edge transaction). */
  appends: EventDraft[][];
  /** Events over all appends. */
  events: number;
  /** Position of the SaleRecorded among the sale's events, appends flattened (its store_seq offset). */
  saleIndex: number;
}

export class SaleMix {
  private readonly random: () => number;
  private readonly onHand = new Map<string, number>();
  private extraCredit = 0;

  constructor(
    readonly storeId: string,
    private readonly currency: string,
    private readonly products: readonly SeedProduct[],
    private readonly eventsPerSale: number,
    seed: number,
    private readonly terminals = 6,
  ) {
    if (products.length === 0) throw new RangeError('SaleMix needs at least one product');
    if (eventsPerSale < CORE_EVENTS_PER_SALE)
      throw new RangeError(`eventsPerSale must be at least ${CORE_EVENTS_PER_SALE}`);
    this.random = seededRandom(seed);
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private product(): SeedProduct {
    return this.products[this.int(0, this.products.length - 1)]!;
  }

  private stock(sku: string, delta: number): StockChange {
    const after = (this.onHand.get(sku) ?? 500) + delta;
    this.onHand.set(sku, after);
    return { sku, delta, on_hand_after: after, lots: [] };
  }

  /** The next sale and everything that follows from it in the store. */
  next(): SaleActions {
    const terminal = `t${this.int(1, this.terminals)}`;
    const cashier = `c${this.int(100, 120)}`;
    const actor = { terminal_id: terminal, cashier_id: cashier };
    const transactionId = uuidv7();
    const bySku = new Map<string, SaleLine>();
    for (let n = this.int(1, 8); bySku.size < n;) {
      const p = this.product();
      if (bySku.has(p.sku)) continue;
      const quantity = this.int(1, 3);
      const gross = p.price_minor * quantity;
      const discount = this.random() < 0.15 ? Math.floor(gross / 10) : 0;
      const total = gross - discount;
      bySku.set(p.sku, {
        line_no: bySku.size + 1,
        sku: p.sku,
        barcode: p.barcode,
        product_name: p.name,
        category: p.category,
        quantity,
        unit_price_minor: p.price_minor,
        discount_minor: discount,
        tax_rate_bp: p.tax_rate_bp,
        tax_minor: Math.round((total * p.tax_rate_bp) / (10_000 + p.tax_rate_bp)),
        line_total_minor: total,
        lots: [],
      });
    }
    const lines = [...bySku.values()];
    const sum = (f: (l: SaleLine) => number) => lines.reduce((s, l) => s + f(l), 0);
    const total = sum((l) => l.line_total_minor);
    const method = (['CASH', 'CARD', 'QR'] as const)[this.int(0, 2)]!;
    const appends: EventDraft[][] = [];
    if (this.random() < 0.1)
      appends.push([
        {
          event_type: 'PaymentFailed',
          ...actor,
          fields: {
            transaction_id: transactionId,
            payment_id: uuidv7(),
            method: 'CARD',
            amount_minor: total,
            currency: this.currency,
            reason: 'card declined',
          },
        },
      ]);
    appends.push([
      {
        event_type: 'PaymentCaptured',
        ...actor,
        fields: {
          transaction_id: transactionId,
          payment_id: uuidv7(),
          method,
          amount_minor: total,
          currency: this.currency,
          provider_ref: method === 'CASH' ? null : `ref-${this.int(100_000, 999_999)}`,
        },
      },
    ]);
    const saleIndex = appends.length;
    appends.push([
      {
        event_type: 'SaleRecorded',
        ...actor,
        fields: {
          transaction_id: transactionId,
          currency: this.currency,
          subtotal_minor: sum((l) => l.unit_price_minor * l.quantity),
          discount_minor: sum((l) => l.discount_minor),
          tax_minor: sum((l) => l.tax_minor),
          total_minor: total,
          item_count: sum((l) => l.quantity),
          customer_ref: this.random() < 0.3 ? crypto.randomBytes(16).toString('hex') : null,
          prescription_code: null,
          lines,
          stock: lines.map((l) => this.stock(l.sku, -l.quantity)),
        },
      },
    ]);
    const after = this.random();
    if (after < 0.05) {
      appends.push([
        {
          event_type: 'SaleVoided',
          ...actor,
          fields: {
            transaction_id: transactionId,
            reason: 'customer changed their mind',
            was_paid: true,
            total_minor: total,
            currency: this.currency,
            stock: lines.map((l) => this.stock(l.sku, l.quantity)),
          },
        },
      ]);
    } else if (after < 0.1) {
      const line = lines[0]!;
      const amount = Math.floor(line.line_total_minor / line.quantity);
      appends.push([
        {
          event_type: 'SaleRefunded',
          ...actor,
          fields: {
            transaction_id: transactionId,
            refund_id: uuidv7(),
            amount_minor: amount,
            currency: this.currency,
            reason: 'damaged',
            lines: [{ line_no: line.line_no, sku: line.sku, quantity: 1, amount_minor: amount, lots: [] }],
            stock: [],
          },
        },
      ]);
    }
    // Back-office events to reach eventsPerSale on average (a running credit, so exact over a run).
    this.extraCredit += this.eventsPerSale - CORE_EVENTS_PER_SALE;
    for (; this.extraCredit >= 1; this.extraCredit -= 1) appends.push([this.backOffice()]);
    // Every append before the sale holds one event, so its index is its position.
    return { transactionId, appends, events: appends.reduce((s, a) => s + a.length, 0), saleIndex };
  }

  private backOffice(): EventDraft {
    if (this.random() < 0.2) {
      const lines = Array.from({ length: this.int(1, 4) }, () => {
        const p = this.product();
        return {
          sku: p.sku,
          quantity: this.int(12, 96),
          unit_cost_minor: Math.floor(p.price_minor * 0.7),
          lots: [],
        };
      });
      return {
        event_type: 'GoodsReceived',
        terminal_id: null,
        cashier_id: null,
        fields: {
          receipt_id: uuidv7(),
          supplier_id: `sup-${String(this.int(1, 20)).padStart(2, '0')}`,
          currency: this.currency,
          total_cost_minor: lines.reduce((s, l) => s + l.quantity * l.unit_cost_minor, 0),
          lines,
          stock: lines.map((l) => this.stock(l.sku, l.quantity)),
        },
      };
    }
    const p = this.product();
    return {
      event_type: 'InventoryAdjusted',
      terminal_id: `t${this.int(1, this.terminals)}`,
      cashier_id: `c${this.int(100, 120)}`,
      fields: {
        adjustment_id: uuidv7(),
        reason: 'COUNT',
        note: null,
        stock: [this.stock(p.sku, this.random() < 0.5 ? -1 : 1)],
      },
    };
  }
}
