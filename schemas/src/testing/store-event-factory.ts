import crypto from 'node:crypto';
import { seededRandom } from '@retail-stream/runtime';
import type {
  GoodsReceived,
  InventoryAdjusted,
  PaymentCaptured,
  PaymentFailed,
  SaleLine,
  SaleRecorded,
  SaleRefunded,
  SaleVoided,
  StoreEvent,
} from '../generated/events.ts';

/**
 * Realistic store events that conform to the Avro catalogue, for filling an outbox directly (the
 * store edge's outbox writer is internal to it). Deterministic for a given seed.
 */

let lastMs = 0;
let counter = 0;
/** UUIDv7 as the store edge makes them (time-ordered within this process). */
export function uuidv7(now = Date.now()): string {
  const ms = Math.max(now, lastMs);
  counter = ms === lastMs ? counter + 1 : 0;
  lastMs = ms;
  const b = crypto.randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | ((counter >> 8) & 0x0f);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The products the factory sells (for reference data in tests). */
export const FACTORY_PRODUCTS = [
  {
    sku: 'SKU-NOODLE',
    barcode: '8930000000015',
    name: 'Instant noodles',
    category: 'Food',
    price: 10_000,
    bp: 1000,
  },
  {
    sku: 'SKU-TEA',
    barcode: '8930000000022',
    name: 'Green tea 500ml',
    category: 'Beverages',
    price: 25_500,
    bp: 800,
  },
  { sku: 'SKU-RICE', barcode: '8930000000039', name: 'Rice 1kg', category: 'Food', price: 33_330, bp: 500 },
  {
    sku: 'SKU-COOKER',
    barcode: '8930000000046',
    name: 'Rice cooker',
    category: 'Appliances',
    price: 1_000_000,
    bp: 0,
  },
  {
    sku: 'SKU-SOAP',
    barcode: '8930000000053',
    name: 'Soap',
    category: 'Personal care',
    price: 18_000,
    bp: 1000,
  },
  {
    sku: 'SKU-MILK',
    barcode: '8930000000060',
    name: 'Fresh milk 1l',
    category: 'Dairy',
    price: 32_000,
    bp: 500,
  },
  {
    sku: 'SKU-COFFEE',
    barcode: '8930000000077',
    name: 'Ground coffee 500g',
    category: 'Beverages',
    price: 95_000,
    bp: 1000,
  },
  { sku: 'SKU-EGGS', barcode: '8930000000084', name: 'Eggs x10', category: 'Food', price: 30_000, bp: 0 },
  {
    sku: 'SKU-SHAMPOO',
    barcode: '8930000000091',
    name: 'Shampoo 650ml',
    category: 'Personal care',
    price: 145_000,
    bp: 1000,
  },
  {
    sku: 'SKU-BREAD',
    barcode: '8930000000107',
    name: 'Sandwich bread',
    category: 'Bakery',
    price: 22_000,
    bp: 500,
  },
  {
    sku: 'SKU-OIL',
    barcode: '8930000000114',
    name: 'Cooking oil 1l',
    category: 'Food',
    price: 55_000,
    bp: 500,
  },
  {
    sku: 'SKU-FISHSAUCE',
    barcode: '8930000000121',
    name: 'Fish sauce 500ml',
    category: 'Food',
    price: 42_000,
    bp: 1000,
  },
] as const;

export class StoreEventFactory {
  private seq: number;
  private readonly onHand = new Map<string, number>();

  constructor(
    readonly storeId: string,
    private readonly random: () => number = seededRandom(42),
    firstSeq = 1,
    private readonly clock: () => number = Date.now,
  ) {
    this.seq = firstSeq;
  }

  get nextSeq(): number {
    return this.seq;
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private envelope<T extends StoreEvent['event_type']>(
    type: T,
    terminal: string | null = `t${this.int(1, 4)}`,
  ) {
    return {
      event_id: uuidv7(this.clock()),
      event_type: type,
      store_id: this.storeId,
      terminal_id: terminal,
      cashier_id: terminal === null ? null : `c${this.int(100, 120)}`,
      store_seq: this.seq++,
      occurred_at: this.clock(),
      trace_id: crypto.randomBytes(16).toString('hex'),
      // Stores never enrich; the ingest processor fills this on retail.events.enriched.
      enrichment: null,
    };
  }

  private stockAfter(sku: string, delta: number): number {
    const after = (this.onHand.get(sku) ?? 500) + delta;
    this.onHand.set(sku, after);
    return after;
  }

  sale(lineCount = this.int(3, 10)): SaleRecorded {
    const chosen = [...FACTORY_PRODUCTS]
      .sort(() => this.random() - 0.5)
      .slice(0, Math.min(lineCount, FACTORY_PRODUCTS.length));
    const lines: SaleLine[] = chosen.map((p, i) => {
      const quantity = this.int(1, 4);
      const gross = p.price * quantity;
      const discount = this.random() < 0.2 ? Math.floor(gross / 10) : 0;
      const total = gross - discount;
      return {
        line_no: i + 1,
        sku: p.sku,
        barcode: p.barcode,
        product_name: p.name,
        category: p.category,
        quantity,
        unit_price_minor: p.price,
        discount_minor: discount,
        tax_rate_bp: p.bp,
        tax_minor: Math.round((total * p.bp) / (10_000 + p.bp)),
        line_total_minor: total,
        lots: [],
      };
    });
    const sum = (f: (l: SaleLine) => number) => lines.reduce((s, l) => s + f(l), 0);
    return {
      ...this.envelope('SaleRecorded'),
      transaction_id: uuidv7(this.clock()),
      currency: 'VND',
      subtotal_minor: sum((l) => l.unit_price_minor * l.quantity),
      discount_minor: sum((l) => l.discount_minor),
      tax_minor: sum((l) => l.tax_minor),
      total_minor: sum((l) => l.line_total_minor),
      item_count: sum((l) => l.quantity),
      customer_ref: this.random() < 0.3 ? crypto.randomBytes(16).toString('hex') : null,
      prescription_code: null,
      lines,
      stock: lines.map((l) => ({
        sku: l.sku,
        delta: -l.quantity,
        on_hand_after: this.stockAfter(l.sku, -l.quantity),
        lots: [],
      })),
    };
  }

  paymentCaptured(sale: SaleRecorded): PaymentCaptured {
    const method = (['CASH', 'CARD', 'QR'] as const)[this.int(0, 2)]!;
    return {
      ...this.envelope('PaymentCaptured', sale.terminal_id),
      transaction_id: sale.transaction_id,
      payment_id: uuidv7(this.clock()),
      method,
      amount_minor: sale.total_minor,
      currency: sale.currency,
      provider_ref: method === 'CASH' ? null : `ref-${this.int(100000, 999999)}`,
    };
  }

  paymentFailed(sale: SaleRecorded): PaymentFailed {
    return {
      ...this.envelope('PaymentFailed', sale.terminal_id),
      transaction_id: sale.transaction_id,
      payment_id: uuidv7(this.clock()),
      method: 'CARD',
      amount_minor: sale.total_minor,
      currency: sale.currency,
      reason: 'card declined',
    };
  }

  void(sale: SaleRecorded): SaleVoided {
    return {
      ...this.envelope('SaleVoided', sale.terminal_id),
      transaction_id: sale.transaction_id,
      reason: 'customer changed their mind',
      was_paid: true,
      total_minor: sale.total_minor,
      currency: sale.currency,
      stock: sale.lines.map((l) => ({
        sku: l.sku,
        delta: l.quantity,
        on_hand_after: this.stockAfter(l.sku, l.quantity),
        lots: [],
      })),
    };
  }

  refund(sale: SaleRecorded): SaleRefunded {
    const line = sale.lines[0]!;
    return {
      ...this.envelope('SaleRefunded', sale.terminal_id),
      transaction_id: sale.transaction_id,
      refund_id: uuidv7(this.clock()),
      amount_minor: Math.floor(line.line_total_minor / line.quantity),
      currency: sale.currency,
      reason: 'damaged',
      lines: [
        {
          line_no: line.line_no,
          sku: line.sku,
          quantity: 1,
          amount_minor: Math.floor(line.line_total_minor / line.quantity),
          lots: [],
        },
      ],
      stock: [],
    };
  }

  goodsReceived(): GoodsReceived {
    const lines = FACTORY_PRODUCTS.slice(0, this.int(1, 5)).map((p) => ({
      sku: p.sku,
      quantity: this.int(10, 100),
      unit_cost_minor: Math.floor(p.price * 0.7),
      lots: [],
    }));
    return {
      ...this.envelope('GoodsReceived', null),
      receipt_id: uuidv7(this.clock()),
      supplier_id: 'sup-01',
      currency: 'VND',
      total_cost_minor: lines.reduce((s, l) => s + l.quantity * l.unit_cost_minor, 0),
      lines,
      stock: lines.map((l) => ({
        sku: l.sku,
        delta: l.quantity,
        on_hand_after: this.stockAfter(l.sku, l.quantity),
        lots: [],
      })),
    };
  }

  adjustment(): InventoryAdjusted {
    const p = FACTORY_PRODUCTS[this.int(0, FACTORY_PRODUCTS.length - 1)]!;
    return {
      ...this.envelope('InventoryAdjusted'),
      adjustment_id: uuidv7(this.clock()),
      reason: 'DAMAGE',
      note: this.random() < 0.5 ? 'dropped on the floor' : null,
      stock: [{ sku: p.sku, delta: -1, on_hand_after: this.stockAfter(p.sku, -1), lots: [] }],
    };
  }

  /** A realistic mix: sales with payments, now and then a failed payment, void, refund, receipt or count. */
  mixed(count: number): StoreEvent[] {
    const out: StoreEvent[] = [];
    while (out.length < count) {
      const r = this.random();
      if (r < 0.04) out.push(this.goodsReceived());
      else if (r < 0.07) out.push(this.adjustment());
      else {
        const sale = this.sale();
        out.push(sale);
        if (this.random() < 0.1) out.push(this.paymentFailed(sale));
        out.push(this.paymentCaptured(sale));
        const after = this.random();
        if (after < 0.05) out.push(this.void(sale));
        else if (after < 0.1) out.push(this.refund(sale));
      }
    }
    // Sequence numbers were taken as events were made; trimming keeps them gap-free.
    this.seq -= out.length - count;
    return out.slice(0, count);
  }

  /**
   * One event of every store event type, in store_seq order (a two-line sale with its captured and
   * failed payment, a refund and a void of it, a goods receipt, a stock count): for tests that must
   * cover every mapping, not a random mix.
   */
  oneOfEach(): StoreEvent[] {
    const sale = this.sale(2);
    return [
      sale,
      this.paymentCaptured(sale),
      this.paymentFailed(sale),
      this.refund(sale),
      this.void(sale),
      this.goodsReceived(),
      this.adjustment(),
    ];
  }

  sales(count: number): SaleRecorded[] {
    return Array.from({ length: count }, () => this.sale());
  }
}
