import crypto from 'node:crypto';
import type { InventoryAdjusted, PaymentCaptured, SaleRecorded, StoreEvent } from '@retail-stream/schemas';

/**
 * Store events valid against the catalogue, as a store's outbox payload holds them, with
 * consecutive store_seq from `firstSeq`.
 */
export class EventMaker {
  private seq: number;

  constructor(
    readonly storeId: string,
    firstSeq = 1,
  ) {
    this.seq = firstSeq;
  }

  get nextSeq(): number {
    return this.seq;
  }

  private envelope<T extends StoreEvent['event_type']>(type: T) {
    return {
      event_id: crypto.randomUUID(),
      event_type: type,
      store_id: this.storeId,
      terminal_id: 't1',
      cashier_id: 'c100',
      store_seq: this.seq++,
      occurred_at: Date.now(),
      trace_id: crypto.randomBytes(16).toString('hex'),
      enrichment: null,
    };
  }

  sale(): SaleRecorded {
    const qty = 1 + (this.seq % 3);
    return {
      ...this.envelope('SaleRecorded'),
      transaction_id: crypto.randomUUID(),
      currency: 'VND',
      subtotal_minor: 10_000 * qty,
      discount_minor: 0,
      tax_minor: 909 * qty,
      total_minor: 10_000 * qty,
      item_count: qty,
      customer_ref: null,
      lines: [
        {
          line_no: 1,
          sku: 'SKU-NOODLE',
          barcode: '8930000000015',
          product_name: 'Instant noodles',
          category: 'Food',
          quantity: qty,
          unit_price_minor: 10_000,
          discount_minor: 0,
          tax_rate_bp: 1000,
          tax_minor: 909 * qty,
          line_total_minor: 10_000 * qty,
        },
      ],
      stock: [{ sku: 'SKU-NOODLE', delta: -qty, on_hand_after: 1_000 - this.seq }],
    };
  }

  payment(): PaymentCaptured {
    return {
      ...this.envelope('PaymentCaptured'),
      transaction_id: crypto.randomUUID(),
      payment_id: crypto.randomUUID(),
      method: 'CASH',
      amount_minor: 10_000,
      currency: 'VND',
      provider_ref: null,
    };
  }

  adjustment(): InventoryAdjusted {
    return {
      ...this.envelope('InventoryAdjusted'),
      terminal_id: null,
      cashier_id: null,
      adjustment_id: crypto.randomUUID(),
      reason: 'COUNT',
      note: null,
      stock: [{ sku: 'SKU-TEA', delta: 2, on_hand_after: 40 }],
    };
  }

  /** n events, cycling sale → payment → adjustment. */
  batch(n: number): StoreEvent[] {
    const makers = [() => this.sale(), () => this.payment(), () => this.adjustment()];
    return Array.from({ length: n }, (_, i) => makers[i % makers.length]!());
  }
}
