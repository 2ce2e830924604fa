import type { InventoryAdjusted, PaymentCaptured, SaleRecorded, StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';

/**
 * Store events valid against the catalogue, as a store's outbox payload holds them, with
 * consecutive store_seq from `firstSeq`: the shared StoreEventFactory's events, in a fixed cycle
 * (sale → its payment → adjustment) so a test knows which event sits at which position.
 */
export class EventMaker {
  private readonly factory: StoreEventFactory;
  /** Sales for payments made on their own: their store_seq is not this maker's. */
  private readonly elsewhere: StoreEventFactory;
  private lastSale: SaleRecorded | undefined;

  constructor(
    readonly storeId: string,
    firstSeq = 1,
  ) {
    this.factory = new StoreEventFactory(storeId, undefined, firstSeq);
    this.elsewhere = new StoreEventFactory(storeId);
  }

  get nextSeq(): number {
    return this.factory.nextSeq;
  }

  sale(): SaleRecorded {
    this.lastSale = this.factory.sale(1);
    return this.lastSale;
  }

  /** A payment of the last sale made here, or of a sale the gateway never saw (it does not check). */
  payment(): PaymentCaptured {
    return this.factory.paymentCaptured(this.lastSale ?? this.elsewhere.sale(1));
  }

  adjustment(): InventoryAdjusted {
    return this.factory.adjustment();
  }

  /** n events, cycling sale → payment → adjustment. */
  batch(n: number): StoreEvent[] {
    const makers = [() => this.sale(), () => this.payment(), () => this.adjustment()];
    return Array.from({ length: n }, (_, i) => makers[i % makers.length]!());
  }
}
