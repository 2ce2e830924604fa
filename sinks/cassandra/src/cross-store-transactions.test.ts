import { seededRandom } from '@retail-stream/runtime';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { CrossStoreTransactionError, refuseCrossStoreTransactions } from './cross-store-transactions.ts';
import type { TransactionState } from './projection-plan.ts';
import { classifyCassandraWrite } from './write-failures.ts';

const stateOf = (storeId: string | null): TransactionState => ({
  storeId,
  day: null,
  occurredAt: null,
  status: null,
  statusTimestamp: null,
  payments: new Map(),
  refunds: new Map(),
});

describe('refuseCrossStoreTransactions', () => {
  const a = new StoreEventFactory('store_a', seededRandom(1));
  const b = new StoreEventFactory('store_b', seededRandom(2));
  const saleA = a.sale(2);

  it("refuses store B's void, refund, payment and sale naming a transaction store A owns", () => {
    const known = new Map([[saleA.transaction_id, stateOf('store_a')]]);
    for (const attack of [
      b.void(saleA),
      b.refund(saleA),
      b.paymentCaptured(saleA),
      { ...b.sale(1), transaction_id: saleA.transaction_id },
    ]) {
      let caught: unknown;
      try {
        refuseCrossStoreTransactions([attack], known);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(CrossStoreTransactionError);
      expect((caught as Error).message).toContain('belongs to store store_a');
      expect(classifyCassandraWrite(caught)).toEqual({ kind: 'poison', code: 'CROSS_STORE_TRANSACTION_ID' });
    }
  });

  it('refuses the second store naming one new transaction id within a batch (first in offset order owns it)', () => {
    const fresh = a.sale(1);
    expect(() => refuseCrossStoreTransactions([fresh, { ...b.void(fresh) }], new Map())).toThrow(
      /named by store store_b belongs to store store_a/,
    );
  });

  it("lets a store's own events through, and events without a transaction", () => {
    const known = new Map([[saleA.transaction_id, stateOf('store_a')]]);
    expect(() =>
      refuseCrossStoreTransactions(
        [a.paymentCaptured(saleA), a.refund(saleA), a.void(saleA), b.sale(1), b.goodsReceived()],
        known,
      ),
    ).not.toThrow();
  });
});
